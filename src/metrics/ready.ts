// Readiness: the database answers and every committed migration is applied.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import journal from "../../drizzle/meta/_journal.json" with { type: "json" };

/** `when` of the newest committed migration (what Drizzle's migrator compares against created_at). */
const LATEST_MIGRATION = Math.max(...journal.entries.map((e) => e.when));

export type Readiness = { ready: true } | { ready: false; reason: "database" | "migrations"; detail: string };

/** `p`, or a rejection after `ms` without an answer. */
export function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)),
  ]);
}

export async function checkReadiness(db: Db, ping: () => Promise<void>, timeoutMs = 2000): Promise<Readiness> {
  try {
    await timeout(ping(), timeoutMs);
  } catch (err) {
    return { ready: false, reason: "database", detail: (err as Error).message };
  }
  try {
    // Hand-written: the table is Drizzle's migrator's own (schema `drizzle`), not part of the app's schema.
    const result = (await timeout(
      db.execute(sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`),
      timeoutMs,
    )) as unknown;
    const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
    const latest = Number((rows[0] as { latest?: string | null } | undefined)?.latest ?? 0);
    if (latest < LATEST_MIGRATION) return { ready: false, reason: "migrations", detail: "pending database migrations" };
  } catch (err) {
    return { ready: false, reason: "migrations", detail: (err as Error).message };
  }
  return { ready: true };
}
