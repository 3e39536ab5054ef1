// Telegram: chats where the bot is a member, the persisted posting queue, account links and 2FA codes.
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { instances } from "./instances.ts";
import { messages } from "./inbox.ts";
import { users } from "./users.ts";

/** Channels and groups the bot was added to (from my_chat_member updates); removal is recorded, not deleted. */
export const telegramChats = pgTable("telegram_chats", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  type: text("type", { enum: ["channel", "group", "supergroup", "private"] }).notNull(),
  title: text("title"),
  username: text("username"),
  /** The bot's membership status: administrator, member, left, kicked… */
  botStatus: text("bot_status").notNull(),
  canPost: boolean("can_post").notNull().default(false),
  rights: jsonb("rights"),
  ...timestamps,
});

/**
 * Everything the bot must post, in order per Telegram chat; retried until Telegram accepts it.
 * `tgMessageId` links a posted notification back to its WhatsApp message, so a reply to it can be answered.
 */
export const telegramPosts = pgTable(
  "telegram_posts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tgChatId: bigint("tg_chat_id", { mode: "number" }).notNull(),
    instanceId: integer("instance_id").references(() => instances.id, { onDelete: "cascade" }),
    messageId: bigint("message_id", { mode: "number" }).references(() => messages.id, { onDelete: "cascade" }),
    /** What to call: sendMessage, sendPhoto, …; `payload` holds its parameters (files by reference). */
    method: text("method").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastError: text("last_error"),
    tgMessageId: bigint("tg_message_id", { mode: "number" }),
    ...timestamps,
  },
  (t) => [
    index("telegram_posts_queue_idx").on(t.tgChatId, t.id).where(sql`${t.status} = 'queued'`),
    uniqueIndex("telegram_posts_tg_message_idx").on(t.tgChatId, t.tgMessageId),
  ],
);

/**
 * One-time deep-link tokens (t.me/<bot>?start=<token>: `link` from the profile, `enrol` from the sign-in step, which
 * never moves an existing link), pending link confirmations (`confirm`, bound to the Telegram user asked) and login 2FA
 * codes; only hashes are stored. `purpose` is plain text in SQL: the list below needs no migration.
 */
export const telegramCodes = pgTable(
  "telegram_codes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["link", "enrol", "confirm", "login"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("telegram_codes_user_idx").on(t.userId, t.purpose)],
);
