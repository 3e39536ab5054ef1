// Queued posts for linked chats: incoming WhatsApp messages (queued in the storing transaction, as a subscriber of
// messagesReceived), and from app events instance state and send results as reactions.
import { and, eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { idList, queryRows } from "../db/rows.ts";
import { instances, messages, type SystemEvent } from "../db/schema/index.ts";
import type { AppEvent, EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import type { StoredIncoming } from "../conversations/index.ts";
import type { Logger } from "../lib/log.ts";
import { sendFailureText } from "../lib/sending.ts";
import { systemLineText } from "../lib/system-lines.ts";
import { mirrorCustomerReaction } from "./customer-reactions.ts";
import { markCustomerChange } from "./post-edits.ts";
import type { PostStore } from "./posts.ts";
import { notificationPosts } from "./render.ts";

export interface NotifierOptions {
  db: Db;
  bus: EventBus;
  posts: PostStore;
  log: Logger;
  /** Language of a channel whose number has none set (instances.telegram_locale). */
  defaultLocale: Locale;
  /** Called after a state post or a reaction was queued. */
  queued: () => void;
}

export interface Notifier {
  /**
   * Queues the posts of newly stored incoming messages (of linked instances), in this order, through `db` (the storing
   * transaction: the posts commit with the messages, or neither does). Returns the Telegram chats posted to.
   */
  queueMessages(db: Db, stored: StoredIncoming[]): Promise<number[]>;
  /** Brings the reaction on a manager's Telegram reply in line with its message's status (after the reply is recorded). */
  syncReaction(messageId: number): Promise<void>;
  /** Resolves when every event received so far is handled (tests). */
  settled(): Promise<void>;
  unsubscribe(): void;
}

const eventData = z.object({ messageId: z.number().int() });
const STATE_KEYS = [
  "authorized",
  "notAuthorized",
  "blocked",
  "sleepMode",
  "starting",
  "yellowCard",
  "suspended",
  "unknown",
] as const;
const stateData = z.object({ state: z.enum(STATE_KEYS) });

/** `2026-11-25 18:53 UTC` (posts go to a whole channel: no reader's time zone to use). */
const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** 👍 once WhatsApp accepted the send, 👌 once delivered or read, 👎 when it failed. */
/** A customer's edit or delete: marked on the post of their message. */
const CHANGES = new Set(["edited", "deleted"]);
const REACTION: Record<string, string> = { accepted: "👍", sent: "👍", delivered: "👌", read: "👌", failed: "👎" };

export function createNotifier(opts: NotifierOptions): Notifier {
  const { db, bus, posts, log } = opts;
  /** Posts to a number's channel are in the channel's language. */
  const channelT = (locale: Locale | null) => translator(locale ?? opts.defaultLocale);
  // One task at a time: state posts and reactions are queued in the order events happened.
  let chain: Promise<void> = Promise.resolve();
  const later = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((err) => log.error({ err }, "telegram notification failed"));
    return chain;
  };

  async function queueMessages(tx: Db, stored: StoredIncoming[]): Promise<number[]> {
    if (stored.length === 0) return [];
    // The messages come as stored (nothing to read back); their instances' names and channels, in one fixed statement.
    // Hand-written: read for every batch, fixed text (bench/RESULTS.md, Ingest, session 4: builder ≈ 8 % of app CPU,
    // 121–126 → 106–108 µs/webhook).
    const linked = new Map(
      (
        await queryRows<{ id: number; name: string; tg_chat_id: string | number | null; locale: Locale | null }>(
          tx,
          sql`
          select id, name, telegram_chat_id as tg_chat_id, telegram_locale as locale from instances
          where id in ${idList([...new Set(stored.map((m) => m.instanceId))])}`,
        )
      ).flatMap((r) =>
        r.tg_chat_id === null
          ? []
          : [[r.id, { name: r.name, tgChatId: Number(r.tg_chat_id), t: channelT(r.locale) }] as const],
      ),
    );
    const wanted = stored.flatMap((m) => {
      const instance = linked.get(m.instanceId);
      return instance ? [{ message: m, instanceName: instance.name, tgChatId: instance.tgChatId, t: instance.t }] : [];
    });
    const quoting = wanted.filter((r) => r.message.quotedIdMessage);
    const quotes = new Map<string, { text: string | null; event: SystemEvent | null }>();
    if (quoting.length > 0) {
      const found = await tx
        .select({ chatId: messages.chatId, idMessage: messages.idMessage, text: messages.text, event: messages.event })
        .from(messages)
        .where(
          or(
            ...quoting.map((r) =>
              and(eq(messages.chatId, r.message.chatId), eq(messages.idMessage, r.message.quotedIdMessage!)),
            ),
          ),
        );
      for (const q of found) quotes.set(`${q.chatId}:${q.idMessage}`, q);
    }
    const items = wanted.flatMap((row) => {
      const m = row.message;
      try {
        const quote = m.quotedIdMessage ? quotes.get(`${m.chatId}:${m.quotedIdMessage}`) : undefined;
        const quotedText = quote ? systemLineText(row.t, quote) || null : null;
        const drafts = notificationPosts({ ...m, instanceName: row.instanceName, quotedText }, row.t);
        // The message names its instance (and takes its posts along when it goes): no second reference to check.
        return [{ tgChatId: row.tgChatId, drafts, link: { messageId: m.id } }];
      } catch (err) {
        // One message that cannot be rendered must not cost the others their notifications.
        log.error({ err, messageId: m.id }, "telegram notification failed");
        return [];
      }
    });
    await posts.enqueueMany(items, tx);
    return [...new Set(items.map((item) => item.tgChatId))];
  }

  // instanceChanged also fires to refresh pages (with `part`), often repeating the state: announce changes only.
  const announced = new Map<number, string>();

  async function onInstance(event: AppEvent): Promise<void> {
    const state = stateData.safeParse(event.data);
    const quota = event.data.quotaExceeded === true;
    const silent = typeof event.data.intakeSilentSince === "string" ? event.data.intakeSilentSince : null;
    if (!event.instanceId || (!state.success && !quota && !silent)) return;
    const what = silent ? "silent" : state.success ? state.data.state : "quota";
    const before = announced.get(event.instanceId);
    announced.set(event.instanceId, what);
    // `transition`: a committed change of state (src/instances/state.ts), always worth a post.
    const real = event.data.transition === true || silent !== null;
    if (!real && (before === what || (before === undefined && state.success && event.data.part !== undefined))) return;
    const [instance] = await db
      .select({ name: instances.name, tgChatId: instances.telegramChatId, locale: instances.telegramLocale })
      .from(instances)
      .where(eq(instances.id, event.instanceId));
    if (!instance || instance.tgChatId === null) return;
    const t = channelT(instance.locale);
    const offlineSince = typeof event.data.offlineSince === "string" ? event.data.offlineSince : null;
    const text = silent
      ? t("tg.intakeSilent", { instance: instance.name, since: utc(silent) })
      : state.success && state.data.state === "authorized" && offlineSince
        ? t("tg.state.back", { instance: instance.name, since: utc(offlineSince) })
        : state.success
          ? t("tg.state", { instance: instance.name, state: t(`tg.state.${state.data.state}`) })
          : t("tg.quotaExceeded", { instance: instance.name });
    await posts.enqueue(instance.tgChatId, [{ method: "sendMessage", payload: { text } }], {
      instanceId: event.instanceId,
    });
    opts.queued();
  }

  async function syncReaction(messageId: number): Promise<void> {
    const where = await posts.replyOf(messageId);
    if (!where) return;
    const [m] = await db
      .select({
        status: messages.status,
        failReason: messages.failReason,
        instanceId: messages.instanceId,
        locale: instances.telegramLocale,
      })
      .from(messages)
      .innerJoin(instances, eq(instances.id, messages.instanceId))
      .where(eq(messages.id, messageId));
    const emoji = REACTION[m?.status ?? ""];
    if (!m || !emoji || emoji === (await posts.lastReaction(messageId))) return;
    const link = { instanceId: m.instanceId, messageId };
    await posts.enqueue(
      where.tgChatId,
      [
        {
          method: "setMessageReaction",
          payload: { message_id: where.tgMessageId, reaction: [{ type: "emoji", emoji }] },
        },
      ],
      link,
    );
    if (m.status === "failed") {
      // The reply was made in the number's channel (or its group): the answer is in the channel's language.
      const t = channelT(m.locale);
      const text = t("tg.failed", { reason: sendFailureText(t, m.failReason) });
      await posts.enqueue(
        where.tgChatId,
        [
          {
            method: "sendMessage",
            payload: { text, reply_parameters: { message_id: where.tgMessageId, allow_sending_without_reply: true } },
          },
        ],
        link,
      );
    }
    opts.queued();
  }

  const unsubscribe = bus.subscribe(
    (event) => {
      const data = eventData.safeParse(event.data);
      if (event.name === EVENTS.messageUpdated && data.success && typeof event.data.status === "string")
        void later(() => syncReaction(data.data.messageId));
      else if (event.name === EVENTS.messageUpdated && data.success && event.data.change === "reaction")
        void later(() => mirrorCustomerReaction({ db, posts, log, queued: opts.queued }, data.data.messageId));
      else if (event.name === EVENTS.messageUpdated && data.success && CHANGES.has(`${event.data.change}`))
        void later(() => markCustomerChange({ db, posts, log, channelT, queued: opts.queued }, data.data.messageId));
      else if (event.name === EVENTS.instanceChanged) void later(() => onInstance(event));
      // Posts are written once, by the process that published the event (several processes: src/cluster/).
    },
    { localOnly: true },
  );

  return {
    queueMessages,
    syncReaction: (messageId) => later(() => syncReaction(messageId)),
    settled: () => chain,
    unsubscribe,
  };
}
