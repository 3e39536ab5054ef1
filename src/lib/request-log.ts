// Request ids and one structured log line per request (path only: query strings may hold tokens).
import type { MiddlewareHandler } from "hono";
import type { RequestEnv } from "./context.ts";
import type { Logger } from "./log.ts";

/** Probes and scrapes hit these every few seconds: not worth a line each. */
const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

export function requestLog(log: Logger): MiddlewareHandler<RequestEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("log", log.child({ reqId: requestId }));
    c.header("X-Request-Id", requestId);
    const started = performance.now();
    await next();
    if (QUIET.has(c.req.path) || c.req.path.startsWith("/public/")) return;
    // Accepted webhooks come hundreds per second: each is journaled (notifications) and counted in /metrics instead.
    if (c.res.status === 200 && c.req.path.startsWith("/webhooks/")) return;
    c.var.log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      "request",
    );
  };
}
