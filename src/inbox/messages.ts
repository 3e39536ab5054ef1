// Conversation queries: pages of messages (keyset on sentAt, id), with their quoted messages and reactions; resending.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { requeueFailedSend } from "../conversations/index.ts";
import { newestFirst } from "./order.ts";
import type { Db } from "../db/client.ts";
import { messages, reactions, type MessageMedia, type SystemEvent } from "../db/schema/index.ts";

const PAGE_SIZE = 50;

export interface QuotedView {
  direction: string;
  senderName: string | null;
  text: string | null;
  /** A message that is not text as its label's code, rendered in the reader's language. */
  event: SystemEvent | null;
  mediaKind: MessageMedia["kind"] | null;
  deleted: boolean;
}

export interface MessageView {
  id: number;
  chatId: number;
  instanceId: number;
  idMessage: string | null;
  direction: "in" | "out" | "system" | "note";
  type: string;
  text: string | null;
  /** A system line, or a message that is not text (location, contact, poll…), as a code rendered in the reader's
   * language (null: text, media, or a row stored as text only). */
  event: SystemEvent | null;
  senderName: string | null;
  /** WhatsApp id of who wrote (`…@c.us`/`…@lid`): in a group, the member. */
  senderId: string | null;
  senderUserId: number | null;
  via: "whatsapp" | "phone" | "api" | "web" | "telegram" | "auto";
  status: (typeof messages.$inferSelect)["status"];
  failReason: string | null;
  /** Tries of a send so far, and when the next one is due (a send waiting to retry). */
  attempts: number;
  nextAttemptAt: Date | null;
  media: MessageMedia | null;
  sentAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** Set when the message quotes another; `null` inside when the quoted one is not stored. */
  quoted: { message: QuotedView | null } | null;
  reactions: { emoji: string; count: number }[];
}

const columns = {
  id: messages.id,
  chatId: messages.chatId,
  instanceId: messages.instanceId,
  idMessage: messages.idMessage,
  direction: messages.direction,
  type: messages.type,
  text: messages.text,
  event: messages.event,
  senderName: messages.senderName,
  senderId: messages.senderId,
  senderUserId: messages.senderUserId,
  via: messages.via,
  status: messages.status,
  failReason: messages.failReason,
  attempts: messages.attempts,
  nextAttemptAt: messages.nextAttemptAt,
  media: messages.media,
  sentAt: messages.sentAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  quotedIdMessage: messages.quotedIdMessage,
};

type Row = Pick<typeof messages.$inferSelect, keyof typeof columns>;

export function messageQueries(db: Db) {
  const quoteColumns = {
    idMessage: messages.idMessage,
    direction: messages.direction,
    senderName: messages.senderName,
    text: messages.text,
    event: messages.event,
    mediaKind: sql<MessageMedia["kind"] | null>`${messages.media}->>'kind'`,
    deleted: sql<boolean>`${messages.deletedAt} is not null`,
  };
  type Quote = { idMessage: string | null } & QuotedView;
  type Count = { messageId: number; emoji: string; count: number };

  function reactionCounts(ids: number[]) {
    return db
      .select({ messageId: reactions.messageId, emoji: reactions.emoji, count: sql<number>`count(*)::int` })
      .from(reactions)
      .where(inArray(reactions.messageId, ids))
      .groupBy(reactions.messageId, reactions.emoji)
      .orderBy(reactions.messageId, desc(sql`count(*)`), reactions.emoji);
  }

  function views(rows: Row[], quotes: Quote[], counts: Count[]): MessageView[] {
    const quoteBy = new Map(quotes.map(({ idMessage, ...q }) => [idMessage, q]));
    return rows.map(({ quotedIdMessage, ...r }) => ({
      ...r,
      quoted: quotedIdMessage ? { message: quoteBy.get(quotedIdMessage) ?? null } : null,
      reactions: counts.filter((c) => c.messageId === r.id).map(({ emoji, count }) => ({ emoji, count })),
    }));
  }

  /** Adds quoted messages and reaction counts to rows of one chat. */
  async function enrich(chatId: number, rows: Row[]): Promise<MessageView[]> {
    if (rows.length === 0) return [];
    const quotedIds = [...new Set(rows.map((r) => r.quotedIdMessage).filter((q): q is string => q !== null))];
    const [quotes, counts] = await Promise.all([
      quotedIds.length
        ? db
            .select(quoteColumns)
            .from(messages)
            .where(and(eq(messages.chatId, chatId), inArray(messages.idMessage, quotedIds)))
        : [],
      reactionCounts(rows.map((r) => r.id)),
    ]);
    return views(rows, quotes, counts);
  }

  return {
    /**
     * Messages of a chat older than message `before` (newest page when absent), oldest first; `more` when older exist,
     * `anchor` when `before` was sent (the page continues above it).
     */
    async messagePage(
      chatId: number,
      before?: number,
    ): Promise<{ messages: MessageView[]; more: boolean; anchor: Date | null }> {
      const rows = await db
        .select(columns)
        .from(messages)
        .where(
          and(
            eq(messages.chatId, chatId),
            before === undefined
              ? undefined
              : sql`(${messages.sentAt}, ${messages.id}) < (select b.sent_at, b.id from messages b where b.id = ${before} and b.chat_id = ${chatId})`,
          ),
        )
        .orderBy(...newestFirst(messages.sentAt, messages.id))
        .limit(PAGE_SIZE + 1);
      const more = rows.length > PAGE_SIZE;
      const [anchor] =
        before === undefined
          ? []
          : await db
              .select({ sentAt: messages.sentAt })
              .from(messages)
              .where(and(eq(messages.id, before), eq(messages.chatId, chatId)));
      return {
        messages: await enrich(chatId, rows.slice(0, PAGE_SIZE).reverse()),
        more,
        anchor: anchor?.sentAt ?? null,
      };
    },

    /**
     * One message with what its bubble needs, plus when the message before it in the chat was sent (for day separators).
     * One round trip (every live bubble waits for it): each part is found from the message's id.
     */
    async messageWithPrevious(
      messageId: number,
    ): Promise<{ message: MessageView; previousSentAt: Date | null } | undefined> {
      const chatOf = sql`(select b.chat_id from messages b where b.id = ${messageId})`;
      const [[row], [previous], quotes, counts] = await Promise.all([
        db.select(columns).from(messages).where(eq(messages.id, messageId)),
        db
          .select({ sentAt: messages.sentAt })
          .from(messages)
          .where(
            and(
              sql`${messages.chatId} = ${chatOf}`,
              sql`(${messages.sentAt}, ${messages.id}) < (select b.sent_at, b.id from messages b where b.id = ${messageId})`,
            ),
          )
          .orderBy(...newestFirst(messages.sentAt, messages.id))
          .limit(1),
        db
          .select(quoteColumns)
          .from(messages)
          .where(
            and(
              sql`${messages.chatId} = ${chatOf}`,
              sql`${messages.idMessage} = (select b.quoted_id_message from messages b where b.id = ${messageId})`,
            ),
          ),
        reactionCounts([messageId]),
      ]);
      if (!row) return undefined;
      return { message: views([row], quotes, counts)[0]!, previousSentAt: previous?.sentAt ?? null };
    },

    /** Puts a failed outgoing message of the chat back in the outbox queue; false when it is not a failed send. */
    resend: (chatId: number, messageId: number): Promise<boolean> => requeueFailedSend(db, chatId, messageId),
  };
}
