// Ingest: message and call notifications from the intake become chats, messages and reactions, idempotently.
import { and, eq, isNull, or, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, reactions, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { HandlerContext, Intake } from "../greenapi/intake.ts";
import { isMessageNotification, type MessageNotification } from "../greenapi/notifications.ts";
import { translator, type Locale } from "../lib/i18n.ts";
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
}

type NewMessage = MessageContent & {
  instanceId: number;
  waChatId: string;
  chatName: string | null;
  idMessage: string;
  direction: "in" | "out" | "system";
  via: "whatsapp" | "phone" | "api";
  senderName: string | null;
  sentAt: Date;
  raw: unknown;
  /** Imported history: no unread count, no per-message events (the importer announces each chat once). */
  history?: boolean;
};

/** Stores one message notification outside the intake (history import, backfill); true when it added a message. */
export interface Ingest {
  ingestMessage(instanceId: number, event: MessageNotification, body: unknown, opts?: { history?: boolean }): Promise<boolean>;
}

const VIA = { incomingMessageReceived: "whatsapp", outgoingMessageReceived: "phone", outgoingAPIMessageReceived: "api" } as const;

/**
 * Registers the inbox handlers on the intake. Each is idempotent (messages are unique per chat and idMessage; a message
 * the outbox already stored is not stored twice) and publishes messageCreated / messageUpdated / chatUpdated with
 * `{ messageId, chatId }` (messageUpdated adds `change`: "reaction" | "edited" | "deleted" | "call").
 */
export function registerIngestHandlers(intake: Intake, opts: IngestOptions): Ingest {
  const { bus } = opts;
  const t = translator(opts.locale);
  // Handlers write through ctx.db (the intake's batch transaction, or the database) and announce after the commit.
  const direct: HandlerContext = { db: opts.db, tx: false, defer: (effect) => void effect() };
  const announce = (ctx: HandlerContext, name: (typeof EVENTS)[keyof typeof EVENTS], instanceId: number, data: Record<string, unknown>) =>
    ctx.defer(() => bus.publish({ name, instanceId, data }));

  /** Chat id and message id of `idMessage` in a chat of the instance, if stored. */
  async function findTarget(db: Db, instanceId: number, waChatId: string, idMessage: string) {
    const [row] = await db
      .select({ id: messages.id, chatId: messages.chatId })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, waChatId), eq(messages.idMessage, idMessage)));
    return row;
  }

  /** Applies a reaction, edit or delete to its target; false when the target is not in the inbox. */
  async function applyEffect(ctx: HandlerContext, instanceId: number, waChatId: string, effect: Effect, reactor: string, at: Date): Promise<boolean> {
    const { db } = ctx;
    const target = await findTarget(db, instanceId, waChatId, effect.target);
    if (!target) return false;
    if (effect.kind === "react" && effect.emoji === "") {
      await db.delete(reactions).where(and(eq(reactions.messageId, target.id), eq(reactions.reactor, reactor)));
    } else if (effect.kind === "react") {
      await db
        .insert(reactions)
        .values({ messageId: target.id, reactor, emoji: effect.emoji })
        .onConflictDoUpdate({ target: [reactions.messageId, reactions.reactor], set: { emoji: effect.emoji, updatedAt: sql`now()` } });
    } else if (effect.kind === "edit") {
      // The first edit keeps the original text; an edit older than the shown one (a late re-delivery) changes nothing.
      await db
        .update(messages)
        .set({ originalText: sql`coalesce(${messages.originalText}, ${messages.text})`, text: effect.text, editedAt: at })
        .where(and(eq(messages.id, target.id), or(isNull(messages.editedAt), lte(messages.editedAt, at))));
    } else {
      await db.update(messages).set({ deletedAt: sql`coalesce(${messages.deletedAt}, ${at.toISOString()}::timestamptz)` }).where(eq(messages.id, target.id));
    }
    const change = effect.kind === "react" ? "reaction" : effect.kind === "edit" ? "edited" : "deleted";
    announce(ctx, EVENTS.messageUpdated, instanceId, { messageId: target.id, chatId: target.chatId, change });
    return true;
  }

  /** Stores a message (and its chat) unless this chat already has that idMessage; returns the new row's ids. */
  async function store(ctx: HandlerContext, m: NewMessage): Promise<{ messageId: number; chatId: number } | null> {
    const { db } = ctx;
    const preview = previewText({ type: m.type, text: m.text, raw: m.raw, media: m.media }, t);
    // Inside the intake's transaction already: no savepoint of its own (a failure rolls the whole batch back).
    const atomically = <T>(work: (tx: Db) => Promise<T>): Promise<T> => (ctx.tx ? work(db) : db.transaction((tx) => work(tx as unknown as Db)));
    const stored = await atomically(async (tx) => {
      const [chat] = await tx
        .insert(chats)
        .values({ instanceId: m.instanceId, waChatId: m.waChatId, name: m.chatName })
        .onConflictDoUpdate({ target: [chats.instanceId, chats.waChatId], set: { name: sql`coalesce(excluded.name, ${chats.name})` } })
        .returning({ id: chats.id });
      const [created] = await tx
        .insert(messages)
        .values({
          instanceId: m.instanceId, chatId: chat!.id, idMessage: m.idMessage, direction: m.direction, via: m.via, type: m.type,
          text: m.text, senderName: m.senderName, quotedIdMessage: m.quotedIdMessage, media: m.media, raw: m.raw, sentAt: m.sentAt,
          status: m.direction === "out" ? "sent" : null,
        })
        .onConflictDoNothing({ target: [messages.chatId, messages.idMessage] })
        .returning({ id: messages.id });
      if (!created) {
        // Already stored (a re-delivery, or the outbox's own send): at most fill in the payload it lacks.
        await tx.update(messages).set({ raw: m.raw }).where(and(eq(messages.chatId, chat!.id), eq(messages.idMessage, m.idMessage), isNull(messages.raw)));
        return null;
      }
      const newest = sql`${chats.lastMessageAt} is null or ${chats.lastMessageAt} <= ${m.sentAt.toISOString()}::timestamptz`;
      await tx
        .update(chats)
        .set({
          lastMessageAt: sql`greatest(${chats.lastMessageAt}, ${m.sentAt.toISOString()}::timestamptz)`,
          lastMessagePreview: sql`case when ${newest} then ${preview} else ${chats.lastMessagePreview} end`,
          unreadCount: m.direction === "out" || m.history ? undefined : sql`${chats.unreadCount} + 1`,
        })
        .where(eq(chats.id, chat!.id));
      return { messageId: created.id, chatId: chat!.id };
    });
    if (!stored) return null;
    if (!m.history) {
      announce(ctx, EVENTS.messageCreated, m.instanceId, stored);
      announce(ctx, EVENTS.chatUpdated, m.instanceId, { chatId: stored.chatId });
    }
    if (m.media?.state === "pending") ctx.defer(() => opts.onMediaPending?.(stored.messageId));
    // Team workflow: the customer's contact, reopening a resolved chat, auto-assignment.
    if (!m.history) await afterIngest({ db, bus, locale: opts.locale, ctx }, { chatId: stored.chatId, waChatId: m.waChatId, direction: m.direction, senderName: m.chatName ?? m.senderName });
    return stored;
  }

  async function onMessage(ctx: HandlerContext, instanceId: number, event: MessageNotification, body: unknown, history = false): Promise<boolean> {
    const { content, effect } = extractMessage(event, body, t);
    const { chatId: waChatId, sender } = event.senderData;
    const sentAt = new Date(event.timestamp * 1000);
    if (effect && (await applyEffect(ctx, instanceId, waChatId, effect, sender, sentAt))) return false;
    if (!content) return false;
    const incoming = event.typeWebhook === "incomingMessageReceived";
    const stored = await store(ctx, {
      ...content,
      instanceId,
      waChatId,
      chatName: chatNameOf(event),
      idMessage: event.idMessage,
      direction: incoming ? "in" : "out",
      via: VIA[event.typeWebhook],
      senderName: incoming ? nonEmpty(event.senderData.senderName) ?? nonEmpty(event.senderData.senderContactName) : null,
      sentAt,
      raw: body,
      history,
    });
    return stored !== null;
  }

  for (const type of ["incomingMessageReceived", "outgoingMessageReceived", "outgoingAPIMessageReceived"] as const) {
    intake.on(type, async (instanceId, event, body, ctx) => {
      if (isMessageNotification(event)) await onMessage(ctx, instanceId, event, body);
    }, { batch: true });
  }

  // One system line per call: written at the first notification, its outcome filled in by the later one.
  intake.on("incomingCall", async (instanceId, event, body, ctx) => {
    if (event.typeWebhook !== "incomingCall") return;
    const base = { type: CALL_TYPE, text: renderCall(event.status, t), quotedIdMessage: null, media: null as MessageMedia | null };
    const created = await store(ctx, {
      ...base, instanceId, waChatId: event.from, chatName: null, idMessage: event.idMessage, direction: "system", via: "whatsapp",
      senderName: null, sentAt: new Date(event.timestamp * 1000), raw: body,
    });
    if (created || event.status === "offer") return;
    const target = await findTarget(ctx.db, instanceId, event.from, event.idMessage);
    if (!target) return;
    await ctx.db.update(messages).set({ text: base.text, raw: body }).where(eq(messages.id, target.id));
    announce(ctx, EVENTS.messageUpdated, instanceId, { messageId: target.id, chatId: target.chatId, change: "call" });
  }, { batch: true });

  return { ingestMessage: (instanceId, event, body, o = {}) => onMessage(direct, instanceId, event, body, o.history === true) };
}

const nonEmpty = (s: string | undefined): string | null => (s?.trim() ? s : null);

/** Chat title: the chat name (a group's name, a contact's name); for personal chats also the sender's name. */
function chatNameOf(event: MessageNotification): string | null {
  const d = event.senderData;
  const personal = !d.chatId.endsWith("@g.us");
  return nonEmpty(d.chatName) ?? (personal && event.typeWebhook === "incomingMessageReceived" ? nonEmpty(d.senderContactName) ?? nonEmpty(d.senderName) : null);
}
