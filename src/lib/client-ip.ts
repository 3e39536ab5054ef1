// The client's IP address: the socket peer, or the first X-Forwarded-For hop when TRUST_PROXY is set.
import type { Context } from "hono";
import { getConnInfo } from "hono/bun";
import type { AppEnv } from "./context.ts";

export function clientIp(c: Context<AppEnv>): string {
  if (c.var.deps.config.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // not served by Bun.serve (in-process app.request)
  }
}
