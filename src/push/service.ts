// Web Push: the VAPID key pair (made on first use and kept in the database, unless given by env), users' device
// subscriptions, and the pushes themselves. A push is built by the `web-push` library (aes128gcm body, VAPID header) and
// sent with fetch, so a push service on a plain-http address (a fake in tests) works the same as a real one.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { chats, pushSubscriptions, userInstances, users } from "../db/schema/index.ts";
import { canAccessInstance } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { StoredIncoming } from "../conversations/index.ts";
import { resolveLocale, translator, type Locale } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { systemLineText } from "../lib/system-lines.ts";
import { createPushDelivery } from "./deliver.ts";

export type PushScope = (typeof pushSubscriptions.$inferSelect)["scope"];
export const PUSH_SCOPES = ["mine", "mine_and_unassigned", "all"] as const satisfies readonly PushScope[];

/** What the service worker shows (public/sw.js): `tag` collapses a chat's notifications into one. */
export interface PushPayload {
  title: string;
  body: string;
  tag: string;
  url: string;
}

export interface NewSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  userAgent: string | null;
  previews?: boolean;
  scope?: PushScope;
}

export type DeviceRow = Pick<typeof pushSubscriptions.$inferSelect, "endpoint" | "previews" | "scope" | "createdAt">;

export interface PushOptions {
  db: Db;
  config: Config;
  log: Logger;
  /** The fetch pushes go through (tests may wrap it). Default: the global one. */
  fetch?: typeof fetch;
}

const BODY_MAX = 180;

export function createPushService(opts: PushOptions) {
  const { db, config, log } = opts;
  const send = opts.fetch ?? fetch;
  const pending = new Set<Promise<unknown>>();

  const { vapidKeys, pushTo } = createPushDelivery({ db, config, log, send });

  /** Runs `work` in the background (fire and forget, errors logged), tracked for `settled`. */
  function background(work: () => Promise<unknown>) {
    const task = work()
      .catch((err) => log.error({ err: err instanceof Error ? err.message : String(err) }, "push notification failed"))
      .finally(() => pending.delete(task));
    pending.add(task);
  }

  /** The payload of a chat's newest message for one reader. */
  function payloadFor(
    chat: { id: number; instanceId: number; waChatId: string; name: string | null },
    message: StoredIncoming,
    locale: Locale,
    previews: boolean,
  ): PushPayload {
    const t = translator(locale);
    const group = chat.waChatId.endsWith("@g.us");
    const number = chat.waChatId.endsWith("@c.us") ? `+${chat.waChatId.slice(0, -5)}` : null;
    const title = chat.name ?? message.chatName ?? message.senderName ?? number ?? t("push.newMessage");
    let body = t("push.newMessage");
    if (previews) {
      const text = systemLineText(t, message).trim() || (message.media ? t("push.media") : t("push.newMessage"));
      const who = group && message.senderName ? `${message.senderName}: ` : "";
      body = `${who}${text}`;
      if (body.length > BODY_MAX) body = `${body.slice(0, BODY_MAX - 1)}…`;
    }
    return { title, body, tag: `chat-${chat.id}`, url: `/instances/${chat.instanceId}/chats/${chat.id}` };
  }

  /** One push per chat of the batch (its newest message) to each device whose user may see it and wants it. */
  async function notify(messages: StoredIncoming[]) {
    const newest = new Map<number, StoredIncoming>();
    for (const m of messages) newest.set(m.chatId, m);
    if (newest.size === 0) return;
    const subs = await db
      .select({
        id: pushSubscriptions.id,
        endpoint: pushSubscriptions.endpoint,
        p256dh: pushSubscriptions.p256dh,
        auth: pushSubscriptions.auth,
        previews: pushSubscriptions.previews,
        scope: pushSubscriptions.scope,
        user: {
          id: users.id,
          username: users.username,
          displayName: users.displayName,
          isAdmin: users.isAdmin,
          canManageUsers: users.canManageUsers,
          canManageInstances: users.canManageInstances,
          locale: users.locale,
        },
      })
      .from(pushSubscriptions)
      .innerJoin(users, eq(users.id, pushSubscriptions.userId))
      .where(eq(users.disabled, false));
    if (subs.length === 0) return;
    // Chats as they are now: assignment (auto-assignment included) committed with the messages.
    const rows = await db
      .select({
        id: chats.id,
        instanceId: chats.instanceId,
        waChatId: chats.waChatId,
        name: chats.name,
        assigneeId: chats.assigneeId,
      })
      .from(chats)
      .where(inArray(chats.id, [...newest.keys()]));
    const userIds = [...new Set(subs.map((s) => s.user.id))];
    const access = await db
      .select({ userId: userInstances.userId, instanceId: userInstances.instanceId })
      .from(userInstances)
      .where(inArray(userInstances.userId, userIds));
    const readers = new Map<number, SessionUser>();
    for (const s of subs)
      readers.set(s.user.id, {
        ...s.user,
        instanceIds: access.filter((a) => a.userId === s.user.id).map((a) => a.instanceId),
      });
    const sends: Promise<boolean>[] = [];
    for (const chat of rows) {
      const message = newest.get(chat.id)!;
      for (const sub of subs) {
        const reader = readers.get(sub.user.id)!;
        if (!canAccessInstance(reader, chat.instanceId)) continue;
        const mine = chat.assigneeId === reader.id;
        if (sub.scope === "mine" && !mine) continue;
        if (sub.scope === "mine_and_unassigned" && !mine && chat.assigneeId !== null) continue;
        const locale = resolveLocale(reader.locale, undefined, config.DEFAULT_LOCALE);
        sends.push(pushTo(sub, payloadFor(chat, message, locale, sub.previews)));
      }
    }
    await Promise.all(sends);
  }

  return {
    /** The VAPID public key browsers subscribe with (base64url). */
    async publicKey(): Promise<string> {
      return (await vapidKeys()).publicKey;
    },

    /** Saves a device's subscription for `userId` (an endpoint already known moves to this user, keys renewed). */
    async subscribe(userId: number, s: NewSubscription): Promise<void> {
      const values = {
        userId,
        endpoint: s.endpoint,
        p256dh: s.p256dh,
        auth: s.auth,
        userAgent: s.userAgent,
        ...(s.previews === undefined ? {} : { previews: s.previews }),
        ...(s.scope === undefined ? {} : { scope: s.scope }),
      };
      await db
        .insert(pushSubscriptions)
        .values(values)
        .onConflictDoUpdate({
          target: pushSubscriptions.endpoint,
          set: { ...values, createdAt: sql`now()`, lastSuccessAt: null },
        });
    },

    /** Removes one of the user's devices; returns whether it was theirs. */
    async unsubscribe(userId: number, endpoint: string): Promise<boolean> {
      const gone = await db
        .delete(pushSubscriptions)
        .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
        .returning({ id: pushSubscriptions.id });
      return gone.length > 0;
    },

    /** Changes what one of the user's devices is told; returns whether it was theirs. */
    async configure(userId: number, endpoint: string, settings: { previews: boolean; scope: PushScope }) {
      const changed = await db
        .update(pushSubscriptions)
        .set(settings)
        .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
        .returning({ id: pushSubscriptions.id });
      return changed.length > 0;
    },

    /** The user's devices, newest first. */
    devices(userId: number): Promise<DeviceRow[]> {
      return db
        .select({
          endpoint: pushSubscriptions.endpoint,
          previews: pushSubscriptions.previews,
          scope: pushSubscriptions.scope,
          createdAt: pushSubscriptions.createdAt,
        })
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.userId, userId))
        .orderBy(sql`${pushSubscriptions.createdAt} desc`);
    },

    /** A test push to each of the user's devices (or only `endpoint`); returns how many push services took it. */
    async sendTest(userId: number, locale: Locale, endpoint?: string): Promise<number> {
      const t = translator(locale);
      const subs = await db
        .select()
        .from(pushSubscriptions)
        .where(
          and(eq(pushSubscriptions.userId, userId), endpoint ? eq(pushSubscriptions.endpoint, endpoint) : undefined),
        );
      const payload = { title: t("push.testTitle"), body: t("push.testBody"), tag: "test", url: "/settings" };
      const results = await Promise.all(subs.map((s) => pushTo(s, payload)));
      return results.filter(Boolean).length;
    },

    /** After new customer messages were committed: pushes them in the background (never blocks the intake). */
    messagesReceived(messages: StoredIncoming[]): void {
      if (messages.length > 0) background(() => notify(messages));
    },

    /** Resolves when every push started so far is done (tests). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;
