// Request ids and one structured log line per request (path only: query strings may hold tokens).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import type { Logger } from "./log.ts";

export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("log", log.child({ reqId: requestId }));
    c.header("X-Request-Id", requestId);
    const started = performance.now();
    await next();
    if (c.req.path === "/healthz" || c.req.path.startsWith("/public/")) return;
    c.var.log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      "request",
    );
  };
}
