// Telegram: chats where the bot is a member, the persisted posting queue, account links and 2FA codes.
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { instances } from "./instances.ts";
import { messages } from "./inbox.ts";
import { users } from "./users.ts";

/** Channels and groups the bot was added to (from my_chat_member updates); removal is recorded, not deleted. */
export const telegramChats = pgTable("telegram_chats", {
  id: bigint({ mode: "number" }).primaryKey(),
  type: text({ enum: ["channel", "group", "supergroup", "private"] }).notNull(),
  title: text(),
  username: text(),
  /** The bot's membership status: administrator, member, left, kicked… */
  botStatus: text().notNull(),
  canPost: boolean().notNull().default(false),
  rights: jsonb(),
  ...timestamps,
});

/**
 * Everything the bot must post, in order per Telegram chat; retried until Telegram accepts it.
 * `tgMessageId` links a posted notification back to its WhatsApp message, so a reply to it can be answered.
 */
export const telegramPosts = pgTable(
  "telegram_posts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tgChatId: bigint({ mode: "number" }).notNull(),
    instanceId: integer().references(() => instances.id, { onDelete: "cascade" }),
    messageId: bigint({ mode: "number" }).references(() => messages.id, { onDelete: "cascade" }),
    /** What to call: sendMessage, sendPhoto, …; `payload` holds its parameters (files by reference). */
    method: text().notNull(),
    payload: jsonb().notNull(),
    status: text({ enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    lastError: text(),
    tgMessageId: bigint({ mode: "number" }),
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
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text({ enum: ["link", "enrol", "confirm", "login"] }).notNull(),
    codeHash: text().notNull(),
    attempts: integer().notNull().default(0),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("telegram_codes_user_idx").on(t.userId, t.purpose)],
);
