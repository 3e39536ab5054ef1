// Storing runs of new messages set-based: their chats found or created, echoes of our own sends linked, the messages
// inserted and the chats' previews and unread counts updated, in a handful of statements whatever the count.
import { sql } from "drizzle-orm";
import { jsonRows, queryRows } from "../db/rows.ts";
import type { MessageMedia, SystemEvent } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS, type EventName } from "../events/names.ts";
import { type HandlerContext, runInTransaction } from "../greenapi/intake.ts";
import type { Translate } from "../lib/i18n.ts";
import { previewText } from "./message-text.ts";
import { chatKey, resolveChats, type WantedChat } from "./chat-ids.ts";
import { linkEchoes } from "./echoes.ts";
import type { ConversationHooks } from "./events.ts";
import type { MessageContent } from "./extract.ts";

/** A new incoming message as just stored, with its chat: what its notification shows, without reading it back. */
export interface StoredIncoming {
  id: number;
  instanceId: number;
  chatId: number;
  /** The chat's own id (replies go there); the notification may have named its other id. */
  waChatId: string;
  /** The person's other id (`…@c.us` of a `…@lid` chat or the reverse), when Green-API told it. */
  altWaChatId?: string | null;
  /** The chat's name as stored with this message. */
  chatName: string | null;
  senderName: string | null;
  /** Who wrote (`…@c.us`): in a group, the member. */
  senderId: string | null;
  type: string;
  text: string | null;
  /** A message that is not text as its label's code (extract.ts), rendered in each reader's language. */
  event: SystemEvent | null;
  media: MessageMedia | null;
  quotedIdMessage: string | null;
}

/** A message to store, as a notification (or the history importer) told it. */
export type NewMessage = MessageContent & {
  instanceId: number;
  /** The chat id the notification named. */
  waChatId: string;
  /** The person's other id when the notification told it too (LID mode): their chat is found under either. */
  altWaChatId?: string | null;
  chatName: string | null;
  idMessage: string;
  direction: "in" | "out" | "system";
  via: "whatsapp" | "phone" | "api";
  senderName: string | null;
  /** `senderData.sender`: in a group, the member who wrote. */
  senderId?: string | null;
  sentAt: Date;
  raw: unknown;
  /** Imported history: no unread count, no per-message events (the importer announces each chat once). */
  history?: boolean;
};

/** The work inside one transaction: the intake's batch, or one of its own (its effects run after its commit). */
export function inTransaction<T>(ctx: HandlerContext, work: (ctx: HandlerContext) => Promise<T>): Promise<T> {
  return ctx.inTransaction ? work(ctx) : runInTransaction(ctx.db, work);
}

export interface IncomingStoreOptions {
  bus: EventBus;
  hooks: ConversationHooks;
  /** Renders chat-list previews (in the app's default language). */
  t: Translate;
}

/**
 * Publishes messageCreated (and messageUpdated for linked echoes) and chatUpdated on the bus after the commit, and
 * messagesReceived / namelessGroups / mediaPending to the conversation hooks.
 */
export function createIncomingStore(opts: IncomingStoreOptions) {
  const { bus, hooks, t } = opts;
  const announce = (ctx: HandlerContext, name: EventName, instanceId: number, data: Record<string, unknown>) =>
    ctx.defer(() => bus.publish({ name, instanceId, data }));

  /**
   * Stores messages (and their chats), in order, skipping any whose chat already has that idMessage; returns the new
   * rows' ids (null where nothing was added). The same few statements whatever the count.
   */
  async function storeMessages(
    ctx: HandlerContext,
    list: NewMessage[],
  ): Promise<Array<{ messageId: number; chatId: number } | null>> {
    if (list.length === 0) return [];
    const stored = await inTransaction(ctx, async (c) => {
      const { db } = c;
      // The chats: a later non-empty name wins, as if stored one by one; so does a later told other id (LID mode).
      const wanted = new Map<string, WantedChat>();
      for (const m of list) {
        const before = wanted.get(chatKey(m));
        wanted.set(chatKey(m), {
          instanceId: m.instanceId,
          waChatId: m.waChatId,
          altWaChatId: m.altWaChatId ?? before?.altWaChatId ?? null,
          name: m.chatName ?? before?.name ?? null,
        });
      }
      // Keyed by the id each notification named, which may be the chat's other id.
      const chatOf = await resolveChats(db, [...wanted.values()]);
      // Groups no notification named: their subject is asked of Green-API after the commit (group-subjects.ts).
      const nameless = [...wanted].flatMap(([key, w]) => {
        const chat = chatOf.get(key)!;
        return chat.waChatId.endsWith("@g.us") && !w.name && !chat.name ? [chat.id] : [];
      });
      if (nameless.length > 0) await hooks.publish(c, "namelessGroups", { chatIds: nameless });
      const rows = list.map((m) => ({
        instance_id: m.instanceId,
        chat_id: chatOf.get(chatKey(m))!.id,
        id_message: m.idMessage,
        direction: m.direction,
        via: m.via,
        type: m.type,
        text: m.text,
        event: m.event,
        sender_name: m.senderName,
        sender_id: m.senderId ?? null,
        quoted_id_message: m.quotedIdMessage,
        media: m.media,
        raw: m.raw,
        sent_at: m.sentAt,
        status: m.direction === "out" ? "sent" : null,
      }));
      // Echoes of sends still waiting for Green-API's answer become those sends' ids instead of second bubbles.
      const linked = await linkEchoes(
        db,
        list.flatMap((m, i) =>
          m.via === "api" && !m.history
            ? [{ i, chatId: rows[i]!.chat_id, idMessage: m.idMessage, text: m.text, media: m.media, raw: m.raw }]
            : [],
        ),
      );
      for (const [i, send] of linked)
        announce(c, EVENTS.messageUpdated, list[i]!.instanceId, { ...send, status: "sent" });
      // Hand-written: the batch's messages in one fixed statement (jsonb_to_recordset, on conflict do nothing
      // returning); bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s.
      const created = await queryRows<{ id: string | number; chat_id: string | number; id_message: string }>(
        db,
        sql`
        insert into messages (instance_id, chat_id, id_message, direction, via, type, text, event, sender_name, sender_id, quoted_id_message, media, raw, sent_at, status)
        select x.instance_id, x.chat_id, x.id_message, x.direction, x.via, x.type, x.text, x.event, x.sender_name, x.sender_id, x.quoted_id_message, x.media, x.raw, x.sent_at, x.status
        from jsonb_to_recordset(${jsonRows(linked.size > 0 ? rows.filter((_, i) => !linked.has(i)) : rows)}) as x(instance_id int, chat_id bigint, id_message text, direction text, via text, type text, text text, event jsonb,
          sender_name text, sender_id text, quoted_id_message text, media jsonb, raw jsonb, sent_at timestamptz, status text)
        on conflict (chat_id, id_message) do nothing
        returning id, chat_id, id_message`,
      );
      const createdIds = new Map(created.map((r) => [`${r.chat_id} ${r.id_message}`, Number(r.id)]));
      // The first of twins in the list is the one added.
      const result = rows.map((r, i) => {
        if (linked.has(i)) return null;
        const key = `${r.chat_id} ${r.id_message}`;
        const id = createdIds.get(key);
        createdIds.delete(key);
        return id === undefined ? null : { messageId: id, chatId: r.chat_id };
      });
      // Each chat's name, newest message (a later one of the same second wins) and unread count, in one UPDATE.
      const perChat = new Map<number, { name: string | null; at: Date; preview: string; unread: number }>();
      list.forEach((m, i) => {
        const r = result[i];
        if (!r) return;
        const before = perChat.get(r.chatId);
        const newest = !before || before.at <= m.sentAt;
        perChat.set(r.chatId, {
          name: wanted.get(chatKey(m))!.name,
          at: newest ? m.sentAt : before.at,
          preview: newest ? previewText(m, t) : before.preview,
          unread: (before?.unread ?? 0) + (m.direction === "out" || m.history ? 0 : 1),
        });
      });
      // Already stored (a re-delivery, or the outbox's own send): at most fill in the payload it lacks.
      const known = rows.filter((_, i) => !result[i] && !linked.has(i));
      // Their chats as they were before this batch (team workflow reopens and assigns from that).
      const customers = list.flatMap((m, i) => {
        const r = result[i];
        return r && !m.history && m.direction === "in"
          ? [{ ...chatOf.get(chatKey(m))!, senderName: m.chatName ?? m.senderName }]
          : [];
      });
      // The new customers' messages as stored (subscribers need not read them back).
      const fresh = list.flatMap((m, i): StoredIncoming[] => {
        const r = result[i];
        if (!r || m.direction !== "in" || m.history) return [];
        // The chat's name after this batch's UPDATE above: its latest non-empty name, else the one it had.
        const chat = chatOf.get(chatKey(m))!;
        const chatName = wanted.get(chatKey(m))!.name ?? chat.name;
        return [
          {
            id: r.messageId,
            instanceId: m.instanceId,
            chatId: r.chatId,
            waChatId: chat.waChatId,
            altWaChatId: chat.altWaChatId,
            chatName,
            senderName: m.senderName,
            senderId: m.senderId ?? null,
            type: m.type,
            text: m.text,
            event: m.event,
            media: m.media,
            quotedIdMessage: m.quotedIdMessage,
          },
        ];
      });
      // Independent of each other: sent together (pipelined on the transaction's connection), answered in order.
      // Hand-written, both: update … from jsonb_to_recordset gives each row its own values in one statement per batch
      // (bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s).
      await Promise.all([
        known.length > 0 &&
          db.execute(sql`
            update messages set raw = x.raw
            from jsonb_to_recordset(${jsonRows(known.map((r) => ({ chat_id: r.chat_id, id_message: r.id_message, raw: r.raw })))}) as x(chat_id bigint, id_message text, raw jsonb)
            where messages.chat_id = x.chat_id and messages.id_message = x.id_message and messages.raw is null`),
        perChat.size > 0 &&
          db.execute(sql`
            update chats set
              name = coalesce(x.name, chats.name),
              last_message_at = greatest(chats.last_message_at, x.at),
              last_message_preview = case when chats.last_message_at is null or chats.last_message_at <= x.at then x.preview else chats.last_message_preview end,
              unread_count = chats.unread_count + x.unread,
              updated_at = now()
            from jsonb_to_recordset(${jsonRows([...perChat].map(([id, c]) => ({ id, name: c.name, at: c.at, preview: c.preview, unread: c.unread })))}) as x(id bigint, name text, at timestamptz, preview text, unread int)
            where chats.id = x.id`),
        // Within this transaction: team workflow, then Telegram notifications (src/deps.ts orders the subscribers).
        fresh.length > 0 && hooks.publish(c, "messagesReceived", { messages: fresh, chats: customers }),
      ]);
      return result;
    });
    const announcedChats = new Set<number>();
    const mediaPending: number[] = [];
    list.forEach((m, i) => {
      const r = stored[i];
      if (!r) return;
      if (!m.history) {
        announce(ctx, EVENTS.messageCreated, m.instanceId, r);
        announcedChats.add(r.chatId);
      }
      if (m.media?.state === "pending") mediaPending.push(r.messageId);
    });
    for (const chatId of announcedChats) announce(ctx, EVENTS.chatUpdated, list[0]!.instanceId, { chatId });
    if (mediaPending.length > 0) await hooks.publish(ctx, "mediaPending", { messageIds: mediaPending });
    return stored;
  }

  return { storeMessages };
}
