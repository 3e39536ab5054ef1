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
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull(),
  // The constraint named as before casing: drizzle would derive it from the property (`idInstance`).
  idInstance: bigint({ mode: "number" }).notNull().unique("instances_id_instance_unique"),
  apiToken: text().notNull(),
  apiUrl: text().notNull(),
  mediaUrl: text().notNull(),
  intakeMode: text({ enum: ["webhook", "polling"] })
    .notNull()
    .default("polling"),
  /** Random secret Green-API sends back with every webhook (set with setSettings). */
  webhookToken: text().notNull(),
  state: text({ enum: instanceStates }).notNull().default("unknown"),
  wid: text(),
  /** The number linked before the current one (a re-scan with another phone), and when that was noticed. */
  previousWid: text(),
  widChangedAt: timestamp({ withTimezone: true }),
  quotaExceededAt: timestamp({ withTimezone: true }),
  /** Green-API's explanation from the last 466 answer (status, method, description). */
  quotaDescription: text(),
  lastNotificationAt: timestamp({ withTimezone: true }),
  /** Why intake (polling) last failed, shown on the instance card; null when healthy. */
  intakeError: text(),
  telegramChatId: bigint({ mode: "number" }),
  /** Language of the posts in this number's Telegram channel; null = the app's DEFAULT_LOCALE. */
  telegramLocale: text({ enum: ["en", "ru"] }),
  autoReplyEnabled: boolean().notNull().default(false),
  autoReplyText: text(),
  autoReplyIntervalHours: integer().notNull().default(12),
  markReadPolicy: text({ enum: ["never", "onOpen", "onReply"] })
    .notNull()
    .default("onReply"),
  /** A disabled instance keeps its history but is neither polled nor sent through. */
  enabled: boolean().notNull().default(true),
  /** When the number stopped being authorized (or intake went silent); null while healthy. */
  offlineSince: timestamp({ withTimezone: true }),
  /** setSettings reboots the instance; "applying settings" is shown from here until it reports authorized again. */
  settingsPendingSince: timestamp({ withTimezone: true }),
  /** Post private notes to the instance's Telegram channel (off: notes stay in the web inbox). */
  notesToTelegram: boolean().notNull().default(false),
  /** Round-robin assignment of new chats among available managers of this instance. */
  autoAssign: boolean().notNull().default(false),
  lastAssignedUserId: integer(),
  ...timestamps,
});

/** Every state change of an instance, newest last (the card and the audit of outages read it). */
export const instanceStateLog = pgTable(
  "instance_state_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer()
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    state: text({ enum: instanceStates }).notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("instance_state_log_instance_idx").on(t.instanceId, t.at)],
);

/** One history import per run: progress is persisted so a restart resumes where it stopped. */
export const historyImports = pgTable(
  "history_imports",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer()
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    status: text({ enum: ["running", "done", "cancelled", "failed"] })
      .notNull()
      .default("running"),
    /** WhatsApp chat ids still to import, in order; the head is the one in progress. */
    pendingChats: text().array().notNull().default([]),
    chatsTotal: integer().notNull().default(0),
    chatsDone: integer().notNull().default(0),
    /** How many messages the last getChatHistory call asked of the head chat (the next call asks for more). */
    headCount: integer().notNull().default(0),
    messagesImported: integer().notNull().default(0),
    error: text(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("history_imports_instance_idx").on(t.instanceId, t.id)],
);
