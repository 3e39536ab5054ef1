// /healthz and /readyz (public) and /metrics (Bearer METRICS_TOKEN or an admin session; 401 anonymous, 404 other
// users). None takes input: the only one that reads a header, /metrics, compares it in constant time itself.
import { Hono, type MiddlewareHandler } from "hono";
import { timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../env.ts";
import { collectBackupGauges, collectDatabaseGauges } from "./collect.ts";
import { registry } from "./index.ts";
import { checkReadiness, timeout } from "./ready.ts";

/** Liveness (the database answers) and readiness (and every migration is applied): public, before the CSRF check. */
export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", async (c) => {
    try {
      await timeout(c.var.deps.ping(), 2000);
      return c.json({ status: "ok" });
    } catch (err) {
      c.var.log.warn({ err: (err as Error).message }, "health check: database down");
      return c.json({ status: "unavailable", reason: "database" }, 503);
    }
  })
  .get("/readyz", async (c) => {
    const { db, ping } = c.var.deps;
    const result = await checkReadiness(db, ping);
    if (result.ready) return c.json({ status: "ready" });
    c.var.log.warn({ reason: result.reason, detail: result.detail }, "readiness check failed");
    // The detail (a raw database error) goes to the log only: this route is public.
    return c.json({ status: "unavailable", reason: result.reason }, 503);
  });

function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Prometheus with METRICS_TOKEN as a Bearer token, or an admin's session; 401 anonymous callers, 404 other users. */
const scrapersOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.var.user;
  if (bearerMatches(c.req.header("authorization"), c.var.deps.config.METRICS_TOKEN) || user?.isAdmin) return next();
  if (user) return c.text("not found", 404);
  c.header("WWW-Authenticate", 'Bearer realm="metrics"');
  return c.text("unauthorized", 401);
};

/** Mount after the session loader and before the sign-in gate (it answers anonymous scrapers itself). */
export const metricsRoutes = new Hono<AppEnv>().get("/metrics", scrapersOnly, async (c) => {
  const { config, db, backups } = c.var.deps;
  await collectDatabaseGauges(db);
  collectBackupGauges(backups, config.BACKUP_INTERVAL_HOURS);
  return c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
});
