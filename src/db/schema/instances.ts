// Green-API instances (one WhatsApp number each) and their runtime state.
import { bigint, boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";

export const instanceStates = [
  "notAuthorized",
  "authorized",
  "blocked",
  "sleepMode",
  "starting",
  "yellowCard",
  "suspended",
  "unknown",
] as const;

export const instances = pgTable("instances", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  idInstance: bigint("id_instance", { mode: "number" }).notNull().unique(),
  apiToken: text("api_token").notNull(),
  apiUrl: text("api_url").notNull(),
  mediaUrl: text("media_url").notNull(),
  intakeMode: text("intake_mode", { enum: ["webhook", "polling"] })
    .notNull()
    .default("polling"),
  /** Random secret Green-API sends back with every webhook (set with setSettings). */
  webhookToken: text("webhook_token").notNull(),
  state: text("state", { enum: instanceStates }).notNull().default("unknown"),
  wid: text("wid"),
  /** The number linked before the current one (a re-scan with another phone), and when that was noticed. */
  previousWid: text("previous_wid"),
  widChangedAt: timestamp("wid_changed_at", { withTimezone: true }),
  quotaExceededAt: timestamp("quota_exceeded_at", { withTimezone: true }),
  /** Green-API's explanation from the last 466 answer (status, method, description). */
  quotaDescription: text("quota_description"),
  lastNotificationAt: timestamp("last_notification_at", { withTimezone: true }),
  /** Why intake (polling) last failed, shown on the instance card; null when healthy. */
  intakeError: text("intake_error"),
  telegramChatId: bigint("telegram_chat_id", { mode: "number" }),
  autoReplyEnabled: boolean("auto_reply_enabled").notNull().default(false),
  autoReplyText: text("auto_reply_text"),
  autoReplyIntervalHours: integer("auto_reply_interval_hours").notNull().default(12),
  markReadPolicy: text("mark_read_policy", { enum: ["never", "onOpen", "onReply"] })
    .notNull()
    .default("onReply"),
  /** A disabled instance keeps its history but is neither polled nor sent through. */
  enabled: boolean("enabled").notNull().default(true),
  /** When the number stopped being authorized (or intake went silent); null while healthy. */
  offlineSince: timestamp("offline_since", { withTimezone: true }),
  /** setSettings reboots the instance; "applying settings" is shown from here until it reports authorized again. */
  settingsPendingSince: timestamp("settings_pending_since", { withTimezone: true }),
  /** Post private notes to the instance's Telegram channel (off: notes stay in the web inbox). */
  notesToTelegram: boolean("notes_to_telegram").notNull().default(false),
  /** Round-robin assignment of new chats among available managers of this instance. */
  autoAssign: boolean("auto_assign").notNull().default(false),
  lastAssignedUserId: integer("last_assigned_user_id"),
  ...timestamps,
});

/** Every state change of an instance, newest last (the card and the audit of outages read it). */
export const instanceStateLog = pgTable(
  "instance_state_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer("instance_id")
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    state: text("state", { enum: instanceStates }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("instance_state_log_instance_idx").on(t.instanceId, t.at)],
);

/** One history import per run: progress is persisted so a restart resumes where it stopped. */
export const historyImports = pgTable(
  "history_imports",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer("instance_id")
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["running", "done", "cancelled", "failed"] })
      .notNull()
      .default("running"),
    /** WhatsApp chat ids still to import, in order; the head is the one in progress. */
    pendingChats: text("pending_chats").array().notNull().default([]),
    chatsTotal: integer("chats_total").notNull().default(0),
    chatsDone: integer("chats_done").notNull().default(0),
    /** How many messages the last getChatHistory call asked of the head chat (the next call asks for more). */
    headCount: integer("head_count").notNull().default(0),
    messagesImported: integer("messages_imported").notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("history_imports_instance_idx").on(t.instanceId, t.id)],
);
