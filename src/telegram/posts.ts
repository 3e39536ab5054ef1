// The persisted posting queue (telegram_posts): what the bot must send, in order per chat, and which Telegram message maps to which WhatsApp message.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { jsonRows, queryRows } from "../db/rows.ts";
import { telegramPosts } from "../db/schema/index.ts";

export const FILE_METHODS = [
  "sendPhoto",
  "sendVideo",
  "sendAudio",
  "sendVoice",
  "sendDocument",
  "sendSticker",
] as const;
export type FileMethod = (typeof FILE_METHODS)[number];
/** Not sent: records a manager's Telegram reply that became this WhatsApp message (for reactions and further replies). */
const REPLY_RECORD = "reply";

const entity = z.object({ type: z.literal("bold"), offset: z.number().int(), length: z.number().int() });
const text = z.object({
  text: z.string(),
  entities: z.array(entity).optional(),
  reply_parameters: z.object({ message_id: z.number().int(), allow_sending_without_reply: z.boolean() }).optional(),
});

/** Stored parameters (chat_id is the row's tgChatId; files are taken from the message's media when sent). */
export const payloadSchemas = {
  sendMessage: text,
  file: z.object({ caption: z.string().optional(), caption_entities: z.array(entity).optional(), fallback: text }),
  setMessageReaction: z.object({
    message_id: z.number().int(),
    reaction: z.array(z.object({ type: z.literal("emoji"), emoji: z.string() })),
  }),
  /** A customer's edit or delete marked on notification post `post_id` (its Telegram id is read when sent). */
  edit: z.object({
    post_id: z.number().int(),
    text: z.string().optional(),
    entities: z.array(entity).optional(),
    caption: z.string().optional(),
    caption_entities: z.array(entity).optional(),
  }),
};
export type TextPayload = z.infer<typeof payloadSchemas.sendMessage>;
export type FilePayload = z.infer<typeof payloadSchemas.file>;

export type PostDraft =
  | { method: "sendMessage"; payload: TextPayload }
  | { method: FileMethod; payload: FilePayload }
  | { method: "setMessageReaction"; payload: z.infer<typeof payloadSchemas.setMessageReaction> }
  | { method: "editMessageText" | "editMessageCaption"; payload: z.infer<typeof payloadSchemas.edit> };

export type PostRow = typeof telegramPosts.$inferSelect;

export function createPostStore(db: Db) {
  /**
   * Queues several chats' posts with one INSERT, in the given order (items, then drafts), through `executor` (a
   * transaction's, or the pool); the number of posts queued.
   */
  async function enqueueMany(
    items: Array<{ tgChatId: number; drafts: PostDraft[]; link?: { instanceId?: number; messageId?: number } }>,
    executor: Db = db,
  ): Promise<number> {
    const rows = items.flatMap(({ tgChatId, drafts, link = {} }) =>
      drafts.map((d) => ({
        tg_chat_id: tgChatId,
        method: d.method,
        payload: d.payload,
        instance_id: link.instanceId ?? null,
        message_id: link.messageId ?? null,
      })),
    );
    if (rows.length === 0) return 0;
    // One fixed statement whatever the number of posts (src/db/rows.ts); ids follow the list's order.
    // Hand-written: insert … select from jsonb_to_recordset, a whole batch of posts in one statement (queued per ingest
    // batch; bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s).
    await executor.execute(sql`
      insert into telegram_posts (tg_chat_id, method, payload, instance_id, message_id)
      select x.tg_chat_id, x.method, x.payload, x.instance_id, x.message_id
      from jsonb_to_recordset(${jsonRows(rows)}) as x(tg_chat_id bigint, method text, payload jsonb, instance_id int, message_id bigint)`);
    return rows.length;
  }

  return {
    /** Queues posts into one chat, in the given order. */
    async enqueue(
      tgChatId: number,
      drafts: PostDraft[],
      link: { instanceId?: number; messageId?: number } = {},
    ): Promise<void> {
      await enqueueMany([{ tgChatId, drafts, link }]);
    },

    enqueueMany,

    /** The oldest queued post of each chat (only the head of a chat may go out). */
    async heads(): Promise<Array<Pick<PostRow, "id" | "tgChatId" | "nextAttemptAt">>> {
      // One index probe per chat (a loose index scan over telegram_posts_queue_idx), not a pass over the whole queue:
      // a channel can trail thousands of posts behind Telegram's 20-per-minute limit.
      // Hand-written: a recursive CTE, which the query builder cannot express.
      const rows = await queryRows<{
        id: string | number;
        tg_chat_id: string | number;
        next_attempt_at: Date | string | null;
      }>(
        db,
        sql`
        with recursive heads as (
          (select tg_chat_id, id, next_attempt_at from telegram_posts where status = 'queued' order by tg_chat_id, id limit 1)
          union all
          select p.tg_chat_id, p.id, p.next_attempt_at from heads h, lateral (
            select tg_chat_id, id, next_attempt_at from telegram_posts
            where status = 'queued' and tg_chat_id > h.tg_chat_id order by tg_chat_id, id limit 1) p)
        select id, tg_chat_id, next_attempt_at from heads`,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        tgChatId: Number(r.tg_chat_id),
        nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at),
      }));
    },

    async head(tgChatId: number): Promise<PostRow | undefined> {
      const [row] = await db
        .select()
        .from(telegramPosts)
        .where(and(eq(telegramPosts.tgChatId, tgChatId), eq(telegramPosts.status, "queued")))
        .orderBy(asc(telegramPosts.id))
        .limit(1);
      return row;
    },

    async markSent(id: number, tgMessageId: number | null): Promise<void> {
      await db
        .update(telegramPosts)
        .set({
          status: "sent",
          tgMessageId,
          attempts: sql`${telegramPosts.attempts} + 1`,
          lastError: null,
          nextAttemptAt: null,
        })
        .where(eq(telegramPosts.id, id));
    },

    async retryLater(id: number, delayMs: number, error: string | null, countAttempt = true): Promise<void> {
      await db
        .update(telegramPosts)
        .set({
          nextAttemptAt: new Date(Date.now() + delayMs),
          lastError: error?.slice(0, 500),
          ...(countAttempt ? { attempts: sql`${telegramPosts.attempts} + 1` } : {}),
        })
        .where(eq(telegramPosts.id, id));
    },

    async fail(id: number, error: string): Promise<void> {
      await db
        .update(telegramPosts)
        .set({ status: "failed", lastError: error.slice(0, 500), attempts: sql`${telegramPosts.attempts} + 1` })
        .where(eq(telegramPosts.id, id));
    },

    async queuedCount(): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(telegramPosts)
        .where(eq(telegramPosts.status, "queued"));
      return row?.n ?? 0;
    },

    /** The WhatsApp message behind a Telegram message (a notification we posted, or a recorded reply); it knows its instance. */
    async byTelegramMessage(tgChatId: number, tgMessageId: number): Promise<{ messageId: number } | undefined> {
      const [row] = await db
        .select({ messageId: telegramPosts.messageId })
        .from(telegramPosts)
        .where(and(eq(telegramPosts.tgChatId, tgChatId), eq(telegramPosts.tgMessageId, tgMessageId)));
      return row?.messageId ? { messageId: row.messageId } : undefined;
    },

    /** Records that a manager's Telegram message became WhatsApp message `messageId`; false when already recorded. */
    async recordReply(tgChatId: number, tgMessageId: number, messageId: number, instanceId: number): Promise<boolean> {
      const rows = await db
        .insert(telegramPosts)
        .values({ tgChatId, tgMessageId, messageId, instanceId, method: REPLY_RECORD, payload: {}, status: "sent" })
        .onConflictDoNothing()
        .returning({ id: telegramPosts.id });
      return rows.length > 0;
    },

    /** Where the manager's reply for this outgoing message is, if it came from Telegram. */
    async replyOf(messageId: number): Promise<{ tgChatId: number; tgMessageId: number } | undefined> {
      const [row] = await db
        .select({ tgChatId: telegramPosts.tgChatId, tgMessageId: telegramPosts.tgMessageId })
        .from(telegramPosts)
        .where(and(eq(telegramPosts.messageId, messageId), eq(telegramPosts.method, REPLY_RECORD)));
      return row?.tgMessageId ? { tgChatId: row.tgChatId, tgMessageId: row.tgMessageId } : undefined;
    },

    /** The last reaction queued for this outgoing message ("" when none). */
    async lastReaction(messageId: number): Promise<string> {
      const [row] = await db
        .select({ payload: telegramPosts.payload })
        .from(telegramPosts)
        .where(and(eq(telegramPosts.messageId, messageId), eq(telegramPosts.method, "setMessageReaction")))
        .orderBy(desc(telegramPosts.id))
        .limit(1);
      const parsed = payloadSchemas.setMessageReaction.safeParse(row?.payload);
      return parsed.success ? (parsed.data.reaction[0]?.emoji ?? "") : "";
    },
  };
}

export type PostStore = ReturnType<typeof createPostStore>;
