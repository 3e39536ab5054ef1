// /readyz (public) and /metrics (Bearer METRICS_TOKEN or an admin session; 401 anonymous, 404 other users).
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../lib/context.ts";
import { collectBackupGauges, collectDatabaseGauges } from "./collect.ts";
import { registry } from "./index.ts";
import { checkReadiness } from "./ready.ts";

export const readyRoutes = new Hono<AppEnv>().get("/readyz", async (c) => {
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

/** Mount after the session loader and before the sign-in gate (it answers anonymous scrapers itself). */
export const metricsRoutes = new Hono<AppEnv>().get("/metrics", async (c) => {
  const { config, db, backups } = c.var.deps;
  const user = c.var.user;
  if (!bearerMatches(c.req.header("authorization"), config.METRICS_TOKEN) && !user?.isAdmin) {
    if (user) return c.text("not found", 404);
    c.header("WWW-Authenticate", 'Bearer realm="metrics"');
    return c.text("unauthorized", 401);
  }
  await collectDatabaseGauges(db);
  collectBackupGauges(backups, config.BACKUP_INTERVAL_HOURS);
  return c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
});
