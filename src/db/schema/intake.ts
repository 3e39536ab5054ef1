// The intake journal: every Green-API notification as received (webhook or polling), stored once, then processed.
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { instances } from "./instances.ts";

export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer("instance_id").notNull().references(() => instances.id, { onDelete: "cascade" }),
    /** Identifies one notification across re-deliveries (see greenapi/intake.ts). */
    dedupeKey: text("dedupe_key").notNull(),
    typeWebhook: text("type_webhook").notNull(),
    body: jsonb("body").notNull(),
    via: text("via", { enum: ["webhook", "polling"] }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("notifications_instance_dedupe_idx").on(t.instanceId, t.dedupeKey),
    index("notifications_unprocessed_idx").on(t.id).where(sql`${t.processedAt} is null`),
  ],
);
