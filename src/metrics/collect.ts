// Gauges read at scrape time: from the database (outbox depth and age, Telegram queue depth, instances by state,
// quarantined notifications) and from the backup folder (the newest backup, shared by every process).
import { sql } from "drizzle-orm";
import type { BackupService } from "../backups/service.ts";
import type { Db } from "../db/client.ts";
import { queryRows } from "../db/rows.ts";
import { instanceStates } from "../db/schema/instances.ts";
import { metrics } from "./index.ts";

export async function collectDatabaseGauges(db: Db): Promise<void> {
  const [outbox] = await queryRows(
    db,
    sql`select count(*)::int as depth, coalesce(extract(epoch from now() - min("messages"."created_at")), 0)::float8 as oldest
        from "messages" where "messages"."direction" = 'out' and "messages"."status" in ('queued', 'sending')`,
  );
  metrics.outboxDepth.set(Number(outbox?.depth ?? 0));
  metrics.outboxOldest.set(Math.max(0, Number(outbox?.oldest ?? 0)));

  const [telegram] = await queryRows(
    db,
    sql`select count(*)::int as depth from "telegram_posts" where "telegram_posts"."status" = 'queued'`,
  );
  metrics.telegramQueue.set(Number(telegram?.depth ?? 0));

  const byState = await queryRows(
    db,
    sql`select "instances"."state" as state, count(*)::int as n from "instances" where "instances"."enabled" group by 1`,
  );
  metrics.instances.reset();
  for (const state of instanceStates) metrics.instances.set({ state }, 0);
  for (const r of byState) metrics.instances.set({ state: String(r.state) }, Number(r.n));

  // The quarantine's partial index holds only quarantined rows: counting them stays cheap however long the journal.
  const quarantined = await queryRows(
    db,
    sql`select "notifications"."instance_id" as id, count(*)::int as n from "notifications" where "notifications"."quarantined_at" is not null group by 1`,
  );
  metrics.quarantined.reset();
  for (const r of quarantined) metrics.quarantined.set({ instance_id: String(r.id) }, Number(r.n));
}

export function collectBackupGauges(backups: Pick<BackupService, "list">, intervalHours: number): void {
  const newest = backups.list()[0];
  metrics.backupLastSuccess.set(newest ? newest.at.getTime() / 1000 : 0);
  metrics.backupInterval.set(intervalHours * 3600);
}
