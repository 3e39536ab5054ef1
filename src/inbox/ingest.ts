// Ingest: message and call notifications from the intake become chats, messages and reactions, idempotently.
import { and, eq, isNull, or, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { jsonRows, queryRows } from "../db/rows.ts";
import { chats, messages, reactions, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { ignoredReason } from "../greenapi/ignored.ts";
import type { HandlerContext, Intake } from "../greenapi/intake.ts";
import { isMessageNotification, type MessageNotification } from "../greenapi/notifications.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { linkEchoes } from "./echoes.ts";
import { chatKey, chatWithId, phoneChatOf, resolveChats, type WantedChat } from "./chat-ids.ts";
import { extractMessage, type Effect, type MessageContent } from "./extract.ts";
import { CALL_TYPE, previewText, renderCall } from "./render.ts";
import { afterIngest } from "../team/index.ts";

export interface IngestOptions {
  db: Db;
  bus: EventBus;
  /** Language of stored renderings and chat-list previews (pages render message bodies per reader). */
  locale: Locale;
  /** Called with the id of each new message whose media waits for download. */
  onMediaPending?: (messageId: number) => void;
  /** Called after the commit with group chats that still have no name (their subject is asked of Green-API). */
  onNamelessGroups?: (chatIds: number[]) => void;
  /**
   * Called in the storing transaction with the new incoming messages (not imported history), in order: their Telegram
   * notifications are queued with them, so a crash cannot keep the one without the other.
   */
  onIncoming?: (ctx: HandlerContext, stored: StoredIncoming[]) => Promise<void>;
}

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
  media: MessageMedia | null;
  quotedIdMessage: string | null;
}

type NewMessage = MessageContent & {
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

/** Stores message notifications outside the intake (history import, backfill). */
export interface Ingest {
  /** In order, in one transaction; returns how many messages it added. */
  ingestMessages(
    instanceId: number,
    items: Array<{ event: MessageNotification; body: unknown }>,
    opts?: { history?: boolean },
  ): Promise<number>;
}

const VIA = {
  incomingMessageReceived: "whatsapp",
  outgoingMessageReceived: "phone",
  outgoingAPIMessageReceived: "api",
} as const;

/** The work inside one transaction: the intake's batch, or one of its own (effects announced after its commit). */
async function atomically<T>(ctx: HandlerContext, work: (ctx: HandlerContext) => Promise<T>): Promise<T> {
  if (ctx.tx) return work(ctx);
  const effects: Array<() => unknown> = [];
  const result = await ctx.db.transaction((tx) =>
    work({ db: tx as unknown as Db, tx: true, defer: (effect) => void effects.push(effect) }),
  );
  for (const effect of effects) ctx.defer(effect);
  return result;
}

/**
 * Registers the inbox handlers on the intake. Each is idempotent (messages are unique per chat and idMessage; a message
 * the outbox already stored is not stored twice) and publishes messageCreated / messageUpdated / chatUpdated with
 * `{ messageId, chatId }` (messageUpdated adds `change`: "reaction" | "edited" | "deleted" | "call").
 * Runs of message notifications are stored set-based: a handful of statements per run, not per message.
 */
export function registerIngestHandlers(intake: Intake, opts: IngestOptions): Ingest {
  const { bus } = opts;
  const t = translator(opts.locale);
  const direct: HandlerContext = { db: opts.db, tx: false, defer: (effect) => void effect() };
  const announce = (
    ctx: HandlerContext,
    name: (typeof EVENTS)[keyof typeof EVENTS],
    instanceId: number,
    data: Record<string, unknown>,
  ) => ctx.defer(() => bus.publish({ name, instanceId, data }));

  /** Chat id and message id of `idMessage` in a chat of the instance (under either of the person's ids), if stored. */
  async function findTarget(db: Db, instanceId: number, waChatId: string, idMessage: string) {
    const [row] = await db
      .select({ id: messages.id, chatId: messages.chatId })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(and(eq(chats.instanceId, instanceId), chatWithId(waChatId), eq(messages.idMessage, idMessage)));
    return row;
  }

  /** Applies a reaction, edit or delete to its target; false when the target is not in the inbox. */
  async function applyEffect(
    ctx: HandlerContext,
    instanceId: number,
    waChatId: string,
    effect: Effect,
    reactor: string,
    at: Date,
  ): Promise<boolean> {
    const { db } = ctx;
    const target = await findTarget(db, instanceId, waChatId, effect.target);
    if (!target) return false;
    if (effect.kind === "react" && effect.emoji === "") {
      await db.delete(reactions).where(and(eq(reactions.messageId, target.id), eq(reactions.reactor, reactor)));
    } else if (effect.kind === "react") {
      await db
        .insert(reactions)
        .values({ messageId: target.id, reactor, emoji: effect.emoji })
        .onConflictDoUpdate({
          target: [reactions.messageId, reactions.reactor],
          set: { emoji: effect.emoji, updatedAt: sql`now()` },
        });
    } else if (effect.kind === "edit") {
      // The first edit keeps the original text; an edit older than the shown one (a late re-delivery) changes nothing.
      await db
        .update(messages)
        .set({
          originalText: sql`coalesce(${messages.originalText}, ${messages.text})`,
          text: effect.text,
          editedAt: at,
        })
        .where(and(eq(messages.id, target.id), or(isNull(messages.editedAt), lte(messages.editedAt, at))));
    } else {
      await db
        .update(messages)
        .set({ deletedAt: sql`coalesce(${messages.deletedAt}, ${at.toISOString()}::timestamptz)` })
        .where(eq(messages.id, target.id));
    }
    const change = effect.kind === "react" ? "reaction" : effect.kind === "edit" ? "edited" : "deleted";
    announce(ctx, EVENTS.messageUpdated, instanceId, { messageId: target.id, chatId: target.chatId, change });
    return true;
  }

  /**
   * Stores messages (and their chats), in order, skipping any whose chat already has that idMessage; returns the new
   * rows' ids (null where nothing was added). The same few statements whatever the count.
   */
  async function storeMany(
    ctx: HandlerContext,
    list: NewMessage[],
  ): Promise<Array<{ messageId: number; chatId: number } | null>> {
    if (list.length === 0) return [];
    const stored = await atomically(ctx, async (c) => {
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
      if (nameless.length > 0) c.defer(() => opts.onNamelessGroups?.(nameless));
      const rows = list.map((m) => ({
        instance_id: m.instanceId,
        chat_id: chatOf.get(chatKey(m))!.id,
        id_message: m.idMessage,
        direction: m.direction,
        via: m.via,
        type: m.type,
        text: m.text,
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
      const created = await queryRows<{ id: string | number; chat_id: string | number; id_message: string }>(
        db,
        sql`
        insert into messages (instance_id, chat_id, id_message, direction, via, type, text, sender_name, sender_id, quoted_id_message, media, raw, sent_at, status)
        select x.instance_id, x.chat_id, x.id_message, x.direction, x.via, x.type, x.text, x.sender_name, x.sender_id, x.quoted_id_message, x.media, x.raw, x.sent_at, x.status
        from jsonb_to_recordset(${jsonRows(linked.size > 0 ? rows.filter((_, i) => !linked.has(i)) : rows)}) as x(instance_id int, chat_id bigint, id_message text, direction text, via text, type text, text text,
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
          preview: newest ? previewText({ type: m.type, text: m.text, raw: m.raw, media: m.media }, t) : before.preview,
          unread: (before?.unread ?? 0) + (m.direction === "out" || m.history ? 0 : 1),
        });
      });
      // Already stored (a re-delivery, or the outbox's own send): at most fill in the payload it lacks.
      const known = rows.filter((_, i) => !result[i] && !linked.has(i));
      // Team workflow: the customers' contacts, reopening resolved chats, auto-assignment.
      const customers = list.flatMap((m, i) => {
        const r = result[i];
        return r && !m.history && m.direction === "in"
          ? [{ ...chatOf.get(chatKey(m))!, senderName: m.chatName ?? m.senderName }]
          : [];
      });
      // Independent of each other: sent together (pipelined on the transaction's connection), answered in order.
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
        customers.length > 0 && afterIngest({ db, bus, locale: opts.locale, ctx: c }, customers),
      ]);
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
            media: m.media,
            quotedIdMessage: m.quotedIdMessage,
          },
        ];
      });
      if (fresh.length > 0) await opts.onIncoming?.(c, fresh);
      return result;
    });
    const announcedChats = new Set<number>();
    list.forEach((m, i) => {
      const r = stored[i];
      if (!r) return;
      if (!m.history) {
        announce(ctx, EVENTS.messageCreated, m.instanceId, r);
        announcedChats.add(r.chatId);
      }
      if (m.media?.state === "pending") ctx.defer(() => opts.onMediaPending?.(r.messageId));
    });
    for (const chatId of announcedChats) announce(ctx, EVENTS.chatUpdated, list[0]!.instanceId, { chatId });
    return stored;
  }

  /** Message notifications in order: effects apply to what is stored before them; the rest is stored in runs. */
  async function onMessages(
    ctx: HandlerContext,
    instanceId: number,
    items: Array<{ event: MessageNotification; body: unknown }>,
    history = false,
  ): Promise<number> {
    return atomically(ctx, async (c) => {
      let run: NewMessage[] = [];
      let added = 0;
      const flush = async () => {
        added += (await storeMany(c, run)).filter(Boolean).length;
        run = [];
      };
      for (const { event, body } of items) {
        // Status stories and channels are not chats (counted by src/greenapi/ignored.ts).
        if (ignoredReason(event)) continue;
        const { content, effect } = extractMessage(event, body, t);
        const { chatId: waChatId, sender } = event.senderData;
        const sentAt = new Date(event.timestamp * 1000);
        if (effect) {
          await flush();
          // Who reacted: the sender, which some real bodies omit — then the customer, or for our side the own number.
          const reactor =
            sender ?? (event.typeWebhook === "incomingMessageReceived" ? waChatId : event.instanceData.wid || waChatId);
          if (await applyEffect(c, instanceId, waChatId, effect, reactor, sentAt)) continue;
        }
        if (!content) continue;
        const incoming = event.typeWebhook === "incomingMessageReceived";
        run.push({
          ...content,
          instanceId,
          waChatId,
          altWaChatId: phoneChatOf(event),
          chatName: chatNameOf(event),
          idMessage: event.idMessage,
          direction: incoming ? "in" : "out",
          via: VIA[event.typeWebhook],
          senderName: incoming
            ? (nonEmpty(event.senderData.senderName) ?? nonEmpty(event.senderData.senderContactName))
            : null,
          senderId: event.senderData.sender,
          sentAt,
          raw: body,
          history,
        });
      }
      await flush();
      return added;
    });
  }

  intake.onBatch(
    ["incomingMessageReceived", "outgoingMessageReceived", "outgoingAPIMessageReceived"],
    async (instanceId, items, ctx) => {
      await onMessages(
        ctx,
        instanceId,
        items.flatMap(({ event, body }) => (isMessageNotification(event) ? [{ event, body }] : [])),
      );
    },
  );

  // One system line per call: written at the first notification, its outcome filled in by the later one.
  intake.on(
    "incomingCall",
    async (instanceId, event, body, ctx) => {
      if (event.typeWebhook !== "incomingCall") return;
      const base = {
        type: CALL_TYPE,
        text: renderCall(event.status, t),
        quotedIdMessage: null,
        media: null as MessageMedia | null,
      };
      const [created] = await storeMany(ctx, [
        {
          ...base,
          instanceId,
          waChatId: event.from,
          chatName: null,
          idMessage: event.idMessage,
          direction: "system",
          via: "whatsapp",
          senderName: null,
          sentAt: new Date(event.timestamp * 1000),
          raw: body,
        },
      ]);
      if (created || event.status === "offer") return;
      const target = await findTarget(ctx.db, instanceId, event.from, event.idMessage);
      if (!target) return;
      await ctx.db.update(messages).set({ text: base.text, raw: body }).where(eq(messages.id, target.id));
      announce(ctx, EVENTS.messageUpdated, instanceId, { messageId: target.id, chatId: target.chatId, change: "call" });
    },
    { batch: true },
  );

  return { ingestMessages: (instanceId, items, o = {}) => onMessages(direct, instanceId, items, o.history === true) };
}

const nonEmpty = (s: string | undefined): string | null => (s?.trim() ? s : null);

/** Chat title: the chat name (a group's name, a contact's name); for personal chats also the sender's name. */
function chatNameOf(event: MessageNotification): string | null {
  const d = event.senderData;
  const personal = !d.chatId.endsWith("@g.us");
  return (
    nonEmpty(d.chatName) ??
    (personal && event.typeWebhook === "incomingMessageReceived"
      ? (nonEmpty(d.senderContactName) ?? nonEmpty(d.senderName))
      : null)
  );
}
