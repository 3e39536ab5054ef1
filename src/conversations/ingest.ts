// Ingest: message and call notifications from the intake become chats, messages and reactions, idempotently.
import type { Db } from "../db/client.ts";
import type { MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { ignoredReason } from "../greenapi/ignored.ts";
import type { HandlerContext, Intake } from "../greenapi/intake.ts";
import { isMessageNotification, type MessageNotification } from "../greenapi/notifications.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { CALL_TYPE, callLineKey, renderCall } from "./message-text.ts";
import { phoneChatOf } from "./chat-ids.ts";
import { applyEffect, findMessage, updateCallLine } from "./edits.ts";
import { directContext, type ConversationHooks } from "./events.ts";
import { extractMessage, type Effect } from "./extract.ts";
import { createIncomingStore, inTransaction, type NewMessage } from "./store-incoming.ts";

export interface IngestOptions {
  db: Db;
  bus: EventBus;
  /** Where messagesReceived, namelessGroups and mediaPending go (src/deps.ts subscribes). */
  hooks: ConversationHooks;
  /** Language of stored renderings and chat-list previews (pages render message bodies per reader). */
  locale: Locale;
}

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

/**
 * Registers the conversations' handlers on the intake. Each is idempotent (messages are unique per chat and idMessage; a message
 * the outbox already stored is not stored twice) and publishes messageCreated / messageUpdated / chatUpdated with
 * `{ messageId, chatId }` (messageUpdated adds `change`: "reaction" | "edited" | "deleted" | "call").
 * Runs of message notifications are stored set-based: a handful of statements per run, not per message.
 */
export function registerIngestHandlers(intake: Intake, opts: IngestOptions): Ingest {
  const { bus } = opts;
  const t = translator(opts.locale);
  const direct = directContext(opts.db);
  const { storeMessages } = createIncomingStore({ bus, hooks: opts.hooks, t });
  const announce = (
    ctx: HandlerContext,
    name: (typeof EVENTS)[keyof typeof EVENTS],
    instanceId: number,
    data: Record<string, unknown>,
  ) => ctx.defer(() => bus.publish({ name, instanceId, data }));

  /** Applies a reaction, edit or delete to its target; false when the target is not in the inbox. */
  async function applyEffectTo(
    ctx: HandlerContext,
    instanceId: number,
    waChatId: string,
    effect: Effect,
    reactor: string,
    at: Date,
  ): Promise<boolean> {
    const target = await findMessage(ctx.db, instanceId, waChatId, effect.target);
    if (!target) return false;
    await applyEffect(ctx.db, target.id, effect, reactor, at);
    const change = effect.kind === "react" ? "reaction" : effect.kind === "edit" ? "edited" : "deleted";
    announce(ctx, EVENTS.messageUpdated, instanceId, { messageId: target.id, chatId: target.chatId, change });
    // The chat's row shows its last message: an edit or delete of it changes the preview there too.
    if (effect.kind !== "react") announce(ctx, EVENTS.chatUpdated, instanceId, { chatId: target.chatId });
    return true;
  }

  /** Message notifications in order: effects apply to what is stored before them; the rest is stored in runs. */
  async function onMessages(
    ctx: HandlerContext,
    instanceId: number,
    items: Array<{ event: MessageNotification; body: unknown }>,
    history = false,
  ): Promise<number> {
    return inTransaction(ctx, async (c) => {
      let run: NewMessage[] = [];
      let added = 0;
      const flush = async () => {
        added += (await storeMessages(c, run)).filter(Boolean).length;
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
          if (await applyEffectTo(c, instanceId, waChatId, effect, reactor, sentAt)) continue;
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
      // Also as a code (messages.event): pages show the line in each reader's language.
      const line = { key: callLineKey(event.status) };
      const base = {
        type: CALL_TYPE,
        text: renderCall(event.status, t),
        event: line,
        quotedIdMessage: null,
        media: null as MessageMedia | null,
      };
      const [created] = await storeMessages(ctx, [
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
      if (created) return;
      if (event.status === "offer") return;
      const target = await findMessage(ctx.db, instanceId, event.from, event.idMessage);
      if (!target) return;
      await updateCallLine(ctx.db, target.id, base.text, body, line);
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
