// Replay: quarantined notifications read and processed again with the current code (a number's page, `intake replay`).
import { and, asc, eq, gt, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances, notifications } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import type { Intake, ReprocessItem } from "./intake.ts";
import { readNotification, typeLabel, type ParseFn } from "./quarantine.ts";

export interface ReplayResult {
  /** Quarantined notifications looked at. */
  replayed: number;
  /** Read and processed: now in the inbox like any other. */
  stored: number;
  /** Still quarantined (with the reason found this time). */
  quarantined: number;
}

export interface ReplayDeps {
  db: Db;
  intake: Intake;
  log: Logger;
}

/** Rows read per round (keyset by id: each quarantined row is looked at once). */
const PAGE = 500;

/**
 * Reads every quarantined notification (of one instance, or all) again from the body as received (`original` when it
 * was repaired), repaired and parsed with the current code (`parse`: tests relax it), and processes those that now read;
 * they leave the quarantine when processed, the rest stay with the new reason. Runs in the calling process.
 */
export async function replayQuarantined(
  deps: ReplayDeps,
  opts: { instanceId?: number; parse?: ParseFn } = {},
): Promise<ReplayResult> {
  const { db, intake, log } = deps;
  const result: ReplayResult = { replayed: 0, stored: 0, quarantined: 0 };
  for (let after = 0; ; ) {
    const rows = await db
      .select({
        id: notifications.id,
        instanceId: notifications.instanceId,
        body: notifications.body,
        original: notifications.original,
        receivedAt: notifications.receivedAt,
        idInstance: instances.idInstance,
      })
      .from(notifications)
      .innerJoin(instances, eq(instances.id, notifications.instanceId))
      .where(
        and(
          isNotNull(notifications.quarantinedAt),
          gt(notifications.id, after),
          opts.instanceId === undefined ? undefined : eq(notifications.instanceId, opts.instanceId),
        ),
      )
      .orderBy(asc(notifications.id))
      .limit(PAGE);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const readable: ReprocessItem[] = [];
    for (const row of rows) {
      const reading = readNotification(
        row.original === null ? row.body : JSON.parse(row.original),
        row.receivedAt,
        row.idInstance,
        opts.parse,
      );
      if (!reading.ok) {
        await db
          .update(notifications)
          .set({ error: reading.reason.slice(0, 500) })
          .where(eq(notifications.id, row.id));
        continue;
      }
      // Still quarantined while it is processed (no other process's sweep takes it meanwhile); processing clears it.
      await db
        .update(notifications)
        .set({
          body: sql`${JSON.stringify(reading.body)}::jsonb`,
          typeWebhook: typeLabel(reading),
          original: reading.original,
          attempts: 0,
          error: null,
        })
        .where(eq(notifications.id, row.id));
      readable.push({ id: row.id, instanceId: row.instanceId, body: reading.body, event: reading.event });
    }
    await intake.reprocess(readable);
    const ids = readable.map((r) => r.id);
    const [done] =
      ids.length === 0
        ? [{ n: 0 }]
        : await db
            .select({ n: sql<number>`count(*)::int` })
            .from(notifications)
            .where(and(inArray(notifications.id, ids), isNotNull(notifications.processedAt)));
    result.replayed += rows.length;
    result.stored += done?.n ?? 0;
  }
  result.quarantined = result.replayed - result.stored;
  log.info({ instanceId: opts.instanceId, ...result }, "quarantined notifications replayed");
  return result;
}
