// The right a number-changing route needs beyond the instance gate (which lets anyone who may see the number in).
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";

/** 403 unless the user may manage this number (`mayManageInstance`, set by the instance gate that runs before). */
export const managersOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.mayManageInstance) throw new HTTPException(403, { message: "forbidden" });
  return next();
};
