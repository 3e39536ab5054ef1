// Chats and messages: chats belong to an instance; messages double as the persistent outbox for sends.
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { instances } from "./instances.ts";
import { users } from "./users.ts";

export const chats = pgTable(
  "chats",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer("instance_id").notNull().references(() => instances.id, { onDelete: "cascade" }),
    /** WhatsApp chat id: `79001234567@c.us`, `…@g.us` or `…@lid`. */
    waChatId: text("wa_chat_id").notNull(),
    name: text("name"),
    status: text("status", { enum: ["open", "pending", "resolved"] }).notNull().default("open"),
    assigneeId: integer("assignee_id").references(() => users.id, { onDelete: "set null" }),
    unreadCount: integer("unread_count").notNull().default(0),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    lastAutoReplyAt: timestamp("last_auto_reply_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("chats_instance_wa_chat_idx").on(t.instanceId, t.waChatId),
    index("chats_instance_last_message_idx").on(t.instanceId, t.lastMessageAt.desc(), t.id.desc()),
  ],
);

/** queued → sending (request in flight) → accepted (Green-API queued it, has idMessage) → sent → delivered → read; or failed; unknown = needs a human. */
export const messageStatuses = ["queued", "sending", "accepted", "sent", "delivered", "read", "failed", "unknown"] as const;

export const messages = pgTable(
  "messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer("instance_id").notNull().references(() => instances.id, { onDelete: "cascade" }),
    chatId: bigint("chat_id", { mode: "number" }).notNull().references(() => chats.id, { onDelete: "cascade" }),
    /** Green-API message id; null while an outgoing send is still queued. Unique only inside a chat. */
    idMessage: text("id_message"),
    direction: text("direction", { enum: ["in", "out", "system", "note"] }).notNull(),
    type: text("type").notNull(),
    text: text("text"),
    senderName: text("sender_name"),
    senderUserId: integer("sender_user_id").references(() => users.id, { onDelete: "set null" }),
    via: text("via", { enum: ["whatsapp", "phone", "api", "web", "telegram", "auto"] }).notNull(),
    quotedIdMessage: text("quoted_id_message"),
    status: text("status", { enum: messageStatuses }),
    failReason: text("fail_reason"),
    media: jsonb("media"),
    raw: jsonb("raw"),
    /** Outbox: a send is written first with this key, then delivered by the scheduler exactly once. */
    idempotencyKey: text("idempotency_key").unique(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** When the last send attempt went out; a crash mid-send is reconciled against Green-API's journal from here. */
    sendStartedAt: timestamp("send_started_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("messages_chat_id_message_idx").on(t.chatId, t.idMessage),
    index("messages_chat_sent_idx").on(t.chatId, t.sentAt.desc(), t.id.desc()),
    index("messages_outbox_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
  ],
);
