// Green-API instances (one WhatsApp number each) and their runtime state.
import { bigint, boolean, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";

export const instanceStates = ["notAuthorized", "authorized", "blocked", "sleepMode", "starting", "yellowCard", "suspended", "unknown"] as const;

export const instances = pgTable("instances", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  idInstance: bigint("id_instance", { mode: "number" }).notNull().unique(),
  apiToken: text("api_token").notNull(),
  apiUrl: text("api_url").notNull(),
  mediaUrl: text("media_url").notNull(),
  intakeMode: text("intake_mode", { enum: ["webhook", "polling"] }).notNull().default("polling"),
  /** Random secret Green-API sends back with every webhook (set with setSettings). */
  webhookToken: text("webhook_token").notNull(),
  state: text("state", { enum: instanceStates }).notNull().default("unknown"),
  wid: text("wid"),
  quotaExceededAt: timestamp("quota_exceeded_at", { withTimezone: true }),
  lastNotificationAt: timestamp("last_notification_at", { withTimezone: true }),
  /** Why intake (polling) last failed, shown on the instance card; null when healthy. */
  intakeError: text("intake_error"),
  telegramChatId: bigint("telegram_chat_id", { mode: "number" }),
  autoReplyEnabled: boolean("auto_reply_enabled").notNull().default(false),
  autoReplyText: text("auto_reply_text"),
  autoReplyIntervalHours: integer("auto_reply_interval_hours").notNull().default(12),
  markReadPolicy: text("mark_read_policy", { enum: ["never", "onOpen", "onReply"] }).notNull().default("onReply"),
  ...timestamps,
});
