// Gauges read at scrape time: from the database (outbox depth and age, Telegram queue depth, instances by state,
// quarantined notifications) and from the backup folder (the newest backup, shared by every process).
import { and, count, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instanceStates, instances, messages, notifications, telegramPosts } from "../db/schema/index.ts";
import { metrics } from "./index.ts";

export async function collectDatabaseGauges(db: Db): Promise<void> {
  const [outbox] = await db
    .select({
      depth: count(),
      oldest: sql<number>`coalesce(extract(epoch from now() - min(${messages.createdAt})), 0)::float8`,
    })
    .from(messages)
    .where(and(eq(messages.direction, "out"), inArray(messages.status, ["queued", "sending"])));
  metrics.outboxDepth.set(Number(outbox?.depth ?? 0));
  metrics.outboxOldest.set(Math.max(0, Number(outbox?.oldest ?? 0)));

  const [telegram] = await db.select({ depth: count() }).from(telegramPosts).where(eq(telegramPosts.status, "queued"));
  metrics.telegramQueue.set(Number(telegram?.depth ?? 0));

  const byState = await db
    .select({ state: instances.state, n: count() })
    .from(instances)
    .where(eq(instances.enabled, true))
    .groupBy(instances.state);
  metrics.instances.reset();
  for (const state of instanceStates) metrics.instances.set({ state }, 0);
  for (const r of byState) metrics.instances.set({ state: String(r.state) }, Number(r.n));

  // The quarantine's partial index holds only quarantined rows: counting them stays cheap however long the journal.
  const quarantined = await db
    .select({ id: notifications.instanceId, n: count() })
    .from(notifications)
    .where(isNotNull(notifications.quarantinedAt))
    .groupBy(notifications.instanceId);
  metrics.quarantined.reset();
  for (const r of quarantined) metrics.quarantined.set({ instance_id: String(r.id) }, Number(r.n));
}

/** What the gauges need of the backups (their service, passed in: metrics sits below every capability). */
interface BackupList {
  /** Newest first. */
  list(): { at: Date }[];
}

export function collectBackupGauges(backups: BackupList, intervalHours: number): void {
  const newest = backups.list()[0];
  metrics.backupLastSuccess.set(newest ? newest.at.getTime() / 1000 : 0);
  metrics.backupInterval.set(intervalHours * 3600);
}
