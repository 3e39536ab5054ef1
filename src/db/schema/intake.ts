// The intake journal: every Green-API notification as received (webhook or polling), stored once, then processed.
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { instances } from "./instances.ts";

export const notifications = pgTable(
  "notifications",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer()
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    /** Identifies one notification across re-deliveries (see greenapi/intake.ts). */
    dedupeKey: text().notNull(),
    typeWebhook: text().notNull(),
    body: jsonb().notNull(),
    via: text({ enum: ["webhook", "polling"] }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    error: text(),
    /** Failed processing attempts; past the limit the row is quarantined instead of retried. */
    attempts: integer().notNull().default(0),
    /** Set when the notification could not be read or processed (reason in `error`): kept for admins and `intake replay`. */
    quarantinedAt: timestamp({ withTimezone: true }),
    /** The body exactly as received (JSON text), kept only when storing it needed changes (NUL bytes, bad timestamps). */
    original: text(),
  },
  (t) => [
    uniqueIndex("notifications_instance_dedupe_idx").on(t.instanceId, t.dedupeKey),
    index("notifications_unprocessed_idx").on(t.id).where(sql`${t.processedAt} is null and ${t.quarantinedAt} is null`),
    index("notifications_quarantine_idx").on(t.instanceId, t.id).where(sql`${t.quarantinedAt} is not null`),
  ],
);
