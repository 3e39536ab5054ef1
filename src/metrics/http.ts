// Request latency by method, matched route pattern (never the raw path: bounded label values) and status class.
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.ts";
import { metrics } from "./index.ts";

/** The pattern of the route that answered, or "unmatched" (404s, static misses) to keep label values few. */
function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  if (!route || route.method === "ALL" || (route.path.endsWith("*") && !route.path.startsWith("/public/")))
    return "unmatched";
  return route.path;
}

export function httpMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    // Live streams stay open for minutes: their duration is not a latency.
    if (c.res.headers.get("content-type")?.startsWith("text/event-stream")) return;
    const status = `${Math.floor(c.res.status / 100)}xx`;
    metrics.httpDuration.observe(
      { method: c.req.method, route: routeOf(c), status },
      (performance.now() - started) / 1000,
    );
  };
}
