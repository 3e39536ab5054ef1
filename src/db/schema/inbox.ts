// Chats and messages: chats belong to an instance; messages double as the persistent outbox for sends.
import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { instances } from "./instances.ts";
import { users } from "./users.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Media of a message, stored in `messages.media`. `state` follows the background download:
 * pending (thumbnail only) → ready (file at DATA_DIR/media/<sha256>) | failed (error shown, retry possible).
 */
/** A system line or a non-text message's label stored as a code: `key` is a message key, `params` its values (names, the
 * customer's words; never our translated text). */
export interface SystemEvent {
  key: string;
  params?: Record<string, string | number>;
}

export interface MessageMedia {
  kind: "image" | "video" | "audio" | "voice" | "sticker" | "document";
  mimeType?: string;
  fileName?: string;
  size?: number;
  sha256?: string;
  /** base64 JPEG preview from Green-API (`jpegThumbnail`). */
  thumbnail?: string;
  downloadUrl?: string;
  state: "pending" | "ready" | "failed";
  /** Why the download failed, in the server's default language (rows from before `reason` have only this). */
  error?: string;
  /** The same as an i18n key and its parameters, shown in each reader's language. */
  reason?: { key: string; params?: Record<string, string | number> };
}

export const chats = pgTable(
  "chats",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer()
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    /** WhatsApp chat id: `79001234567@c.us`, `…@g.us` or `…@lid`. */
    waChatId: text().notNull(),
    name: text(),
    /** Short text of the newest message, for the chat list. */
    lastMessagePreview: text(),
    status: text({ enum: ["open", "pending", "resolved"] })
      .notNull()
      .default("open"),
    assigneeId: integer().references(() => users.id, { onDelete: "set null" }),
    unreadCount: integer().notNull().default(0),
    lastMessageAt: timestamp({ withTimezone: true }),
    lastAutoReplyAt: timestamp({ withTimezone: true }),
    /** The same person's other id: `…@c.us` of a `…@lid` chat or the reverse (LID mode), when Green-API told both. */
    altWaChatId: text(),
    /** The instance's own number (`wid`) when the chat was created: chats of an earlier number are marked as such. */
    ownerWid: text(),
    /** When a group's subject was last asked of Green-API (getGroupData), to ask at most that often. */
    subjectFetchedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("chats_instance_wa_chat_idx").on(t.instanceId, t.waChatId),
    index("chats_instance_alt_idx").on(t.instanceId, t.altWaChatId).where(sql`${t.altWaChatId} is not null`),
    index("chats_instance_last_message_idx").on(t.instanceId, t.lastMessageAt.desc(), t.id.desc()),
    index("chats_assignee_idx").on(t.assigneeId),
    /** What a message's (chat, instance) reference points at. */
    uniqueIndex("chats_id_instance_idx").on(t.id, t.instanceId),
  ],
);

/** queued → sending (request in flight) → accepted (Green-API queued it, has idMessage) → sent → delivered → read; or failed; unknown = needs a human. */
export const messageStatuses = [
  "queued",
  "sending",
  "accepted",
  "sent",
  "delivered",
  "read",
  "failed",
  "unknown",
] as const;

export const messages = pgTable(
  "messages",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Always its chat's instance (one reference below, not one to each). */
    instanceId: integer().notNull(),
    chatId: bigint({ mode: "number" }).notNull(),
    /** Green-API message id; null while an outgoing send is still queued. Unique only inside a chat. */
    idMessage: text(),
    direction: text({ enum: ["in", "out", "system", "note"] }).notNull(),
    type: text().notNull(),
    text: text(),
    senderName: text(),
    /** WhatsApp id of who wrote (`…@c.us`/`…@lid`): in a group, the member. */
    senderId: text(),
    senderUserId: integer().references(() => users.id, { onDelete: "set null" }),
    via: text({ enum: ["whatsapp", "phone", "api", "web", "telegram", "auto"] }).notNull(),
    quotedIdMessage: text(),
    status: text({ enum: messageStatuses }),
    failReason: text(),
    /** A system line, or a message that is not text (location, contact, poll, choice, unsupported type…), as a message
     * key and its parameters (the customer's words, never translated), rendered in the reader's language; `text` keeps
     * the DEFAULT_LOCALE rendering for search and for rows written before this column. */
    event: jsonb().$type<SystemEvent>(),
    media: jsonb().$type<MessageMedia>(),
    raw: jsonb(),
    /** Outbox: a send is written first with this key, then sent through the rate limiter exactly once. */
    // The constraint named as before casing: drizzle would derive it from the property (`idempotencyKey`).
    idempotencyKey: text().unique("messages_idempotency_key_unique"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    /** When the last send attempt went out; a crash mid-send is reconciled against Green-API's journal from here. */
    sendStartedAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp({ withTimezone: true }),
    /** The text before the first edit (the shown text is `text`). */
    originalText: text(),
    /** Full-text search over the shown text. */
    searchVector: tsvector().generatedAlwaysAs(sql`to_tsvector('simple', coalesce(text, ''))`),
    deletedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // A message belongs to a chat of its instance, and goes with it (and so with the instance). One key checked per
    // message, on its chat's row, instead of two, one of them on the instance row that every write of the number locks.
    foreignKey({
      name: "messages_chat_instance_fk",
      columns: [t.chatId, t.instanceId],
      foreignColumns: [chats.id, chats.instanceId],
    }).onDelete("cascade"),
    uniqueIndex("messages_chat_id_message_idx").on(t.chatId, t.idMessage),
    index("messages_chat_sent_idx").on(t.chatId, t.sentAt.desc(), t.id.desc()),
    index("messages_outbox_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
    index("messages_search_idx").using("gin", t.searchVector),
    /** Per-user unread counts look only at incoming messages after a read mark. */
    index("messages_chat_incoming_idx").on(t.chatId, t.id).where(sql`${t.direction} = 'in'`),
  ],
);

/** Reactions to a message (WhatsApp shows them under the bubble); one per reactor, replaced when it changes. */
export const reactions = pgTable(
  "reactions",
  {
    messageId: bigint({ mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    /** WhatsApp id of who reacted (the customer, or the instance's own number). */
    reactor: text().notNull(),
    emoji: text().notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.messageId, t.reactor] })],
);

/** How far each user has read each chat (unread counts are per user). */
export const chatReads = pgTable(
  "chat_reads",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    chatId: bigint({ mode: "number" })
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    lastReadMessageId: bigint({ mode: "number" }).notNull(),
    readAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.chatId] })],
);
