// The instance gate middleware: every route under /instances/:instanceId passes through it.
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { canAccessInstance, canManageInstance } from "./permissions.ts";

export const INSTANCE_SCOPE = "/instances/:instanceId{[0-9]+}";

/**
 * Lets the request through only when the user may see the instance; 404 both for a missing instance and one the user
 * may not see, so ids cannot be probed. Sets `instanceId` and whether the user may also manage it.
 */
export function instanceGate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = Number(c.req.param("instanceId"));
    // Passed already in this request (sub-apps at one prefix run each other's middleware): nothing to check again.
    if (c.get("instanceId") === id) return next();
    const user = c.var.user;
    if (!Number.isSafeInteger(id) || !canAccessInstance(user, id) || !(await c.var.deps.instances.exists(id))) {
      c.var.log.info({ instanceId: c.req.param("instanceId") }, "instance gate: not visible");
      throw new HTTPException(404, { message: "not found" });
    }
    c.set("instanceId", id);
    c.set("mayManageInstance", canManageInstance(user, id));
    return next();
  };
}
