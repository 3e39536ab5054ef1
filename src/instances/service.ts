// Instances: reading them within what a user may see, and the writes behind managing them.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instanceStateLog, instances, messages, telegramChats } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import { normalizeChatId } from "../greenapi/ids.ts";
import { assignOwnerlessChats } from "../conversations/index.ts";
import type { SessionUser } from "../auth/sessions.ts";

export type InstanceRow = typeof instances.$inferSelect;
/** An instance as pages show it: never carries the API token. */
export type InstanceView = Omit<InstanceRow, "apiToken" | "webhookToken"> & {
  /** Chats and messages of the number, from a per-process snapshot up to COUNTS_TTL_MS old (see `counts`). */
  chatCount: number;
  messageCount: number;
  /** Title of the linked Telegram channel, when the bot knows it. */
  telegramTitle: string | null;
  quotaDescription: string | null;
};
export type InstanceInsert = typeof instances.$inferInsert;
export type InstanceState = InstanceRow["state"];

const viewColumns = {
  id: instances.id,
  name: instances.name,
  idInstance: instances.idInstance,
  apiUrl: instances.apiUrl,
  mediaUrl: instances.mediaUrl,
  intakeMode: instances.intakeMode,
  state: instances.state,
  wid: instances.wid,
  previousWid: instances.previousWid,
  widChangedAt: instances.widChangedAt,
  quotaExceededAt: instances.quotaExceededAt,
  lastNotificationAt: instances.lastNotificationAt,
  intakeError: instances.intakeError,
  telegramChatId: instances.telegramChatId,
  autoReplyEnabled: instances.autoReplyEnabled,
  autoReplyText: instances.autoReplyText,
  autoReplyIntervalHours: instances.autoReplyIntervalHours,
  markReadPolicy: instances.markReadPolicy,
  enabled: instances.enabled,
  offlineSince: instances.offlineSince,
  settingsPendingSince: instances.settingsPendingSince,
  notesToTelegram: instances.notesToTelegram,
  autoAssign: instances.autoAssign,
  lastAssignedUserId: instances.lastAssignedUserId,
  createdAt: instances.createdAt,
  updatedAt: instances.updatedAt,
  telegramTitle: sql<
    string | null
  >`(select coalesce(t.title, t.username) from telegram_chats t where t.id = "instances"."telegram_chat_id")`,
  /** Green-API's explanation: from the last 466 answer, else from the newest quotaExceeded notification. */
  quotaDescription: sql<
    string | null
  >`coalesce("instances"."quota_description", (select n.body->'quotaData'->>'description' from notifications n where n.instance_id = "instances"."id" and n.type_webhook = 'quotaExceeded' order by n.id desc limit 1))`,
};

/** Per-instance counts for cards and the dashboard. */
export interface InstanceCounts {
  chats: number;
  messages: number;
  /** Messages sent since midnight (database time zone). */
  messagesToday: number;
}

/**
 * How old the counts may get. Counting every message of a number reads the whole messages table (there is no index on
 * messages.instance_id alone): ~1 s at 1 000 000 messages. Pages show a snapshot instead, recomputed in the background
 * once it is older than this; nothing invalidates it, so a new message shows up in the counts within this time.
 */
const COUNTS_TTL_MS = 60_000;

/**
 * A webhook check reads the instance's token from memory for up to this long: a change made by this process is seen at
 * once, one made by another process (several processes, src/cluster/) within this time.
 */
const WEBHOOK_AUTH_TTL_MS = 2000;

export type WebhookAuth = Pick<InstanceRow, "id" | "idInstance" | "webhookToken">;

const NO_COUNTS: InstanceCounts = { chats: 0, messages: 0, messagesToday: 0 };

/** A committed change of an instance's state; `offlineSince` is the value before the change. */
export interface StateTransition {
  instanceId: number;
  from: InstanceState;
  to: InstanceState;
  offlineSince: Date | null;
  /** The first time ever this number reports authorized (no earlier authorized in the state log). */
  firstAuthorized: boolean;
  /** The change ends (or happens during) the restart that applies new settings. */
  settingsPending: boolean;
}

/** The instance's own number as `NNN@c.us`, whatever spelling Green-API used (`NNN:8@s.whatsapp.net`…); null for "" or a non-number. */
function ownNumber(wid: string | null | undefined): string | null {
  const n = wid ? normalizeChatId(wid) : null;
  return n?.kind === "user" ? n.id : null;
}

export function createInstanceService(
  db: Db,
  opts: { countsTtlMs?: number; now?: () => number; onCountsError?: (err: unknown) => void } = {},
) {
  const stateListeners: ((t: StateTransition) => void)[] = [];
  const ttl = opts.countsTtlMs ?? COUNTS_TTL_MS;
  const now = opts.now ?? Date.now;
  let snapshot: { at: number; byInstance: Map<number, InstanceCounts> } | undefined;
  let refreshing: Promise<Map<number, InstanceCounts>> | undefined;

  /** One pass over chats and one over messages, grouped by instance (every instance at once). */
  async function countAll(): Promise<Map<number, InstanceCounts>> {
    const [chatRows, messageRows] = await Promise.all([
      db.select({ id: chats.instanceId, n: sql<number>`count(*)::int` }).from(chats).groupBy(chats.instanceId),
      db
        .select({
          id: messages.instanceId,
          n: sql<number>`count(*)::int`,
          today: sql<number>`(count(*) filter (where ${messages.sentAt} >= date_trunc('day', now())))::int`,
        })
        .from(messages)
        .groupBy(messages.instanceId),
    ]);
    const byInstance = new Map<number, InstanceCounts>();
    for (const r of chatRows) byInstance.set(r.id, { ...NO_COUNTS, chats: r.n });
    for (const r of messageRows)
      byInstance.set(r.id, { chats: byInstance.get(r.id)?.chats ?? 0, messages: r.n, messagesToday: r.today });
    return byInstance;
  }

  function refresh(): Promise<Map<number, InstanceCounts>> {
    refreshing ??= (async () => {
      const started = now();
      try {
        const byInstance = await countAll();
        snapshot = { at: started, byInstance };
        return byInstance;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /**
   * Counts of every instance, at most `ttl` old: the first call waits for them; later, a stale snapshot is served while
   * one refresh runs in the background (concurrent callers share it).
   */
  async function counts(): Promise<Map<number, InstanceCounts>> {
    if (!snapshot) return refresh();
    if (now() - snapshot.at >= ttl && !refreshing) refresh().catch((err) => opts.onCountsError?.(err));
    return snapshot.byInstance;
  }

  async function withCounts<T extends { id: number }>(
    rows: T[],
  ): Promise<(T & { chatCount: number; messageCount: number })[]> {
    if (rows.length === 0) return [];
    const byInstance = await counts();
    return rows.map((r) => {
      const c = byInstance.get(r.id) ?? NO_COUNTS;
      return { ...r, chatCount: c.chats, messageCount: c.messages };
    });
  }

  // Only existing instances are remembered (probing unknown ids cannot grow it).
  const webhookAuths = new Map<number, { until: number; row: WebhookAuth }>();

  return {
    /** What a webhook request is checked against (for server-side use only); undefined for an unknown instance. */
    async webhookAuth(id: number): Promise<WebhookAuth | undefined> {
      const now = Date.now();
      const hit = webhookAuths.get(id);
      if (hit && hit.until > now) return hit.row;
      const [row] = await db
        .select({ id: instances.id, idInstance: instances.idInstance, webhookToken: instances.webhookToken })
        .from(instances)
        .where(eq(instances.id, id));
      if (row) webhookAuths.set(id, { until: now + WEBHOOK_AUTH_TTL_MS, row });
      else webhookAuths.delete(id);
      return row;
    },

    /** Per-instance chat and message counts (a snapshot up to COUNTS_TTL_MS old). */
    counts,

    async exists(id: number): Promise<boolean> {
      const [row] = await db.select({ id: instances.id }).from(instances).where(eq(instances.id, id));
      return row !== undefined;
    },

    /** The full row, credentials included: for server-side use only (Green-API calls, webhook checks). */
    async getRow(id: number): Promise<InstanceRow | undefined> {
      const [row] = await db.select().from(instances).where(eq(instances.id, id));
      return row;
    },

    async setIntakeError(id: number, reason: string | null): Promise<void> {
      await db.update(instances).set({ intakeError: reason }).where(eq(instances.id, id));
    },

    /** Every instance with credentials, for background jobs. */
    async listRows(): Promise<InstanceRow[]> {
      return db.select().from(instances).orderBy(asc(instances.id));
    },

    async findByIdInstance(idInstance: number): Promise<{ id: number } | undefined> {
      const [row] = await db.select({ id: instances.id }).from(instances).where(eq(instances.idInstance, idInstance));
      return row;
    },

    async insert(values: InstanceInsert): Promise<InstanceRow> {
      const [row] = await db.insert(instances).values(values).returning();
      return row!;
    },

    async update(id: number, values: Partial<InstanceInsert>): Promise<InstanceRow | undefined> {
      const [row] = await db.update(instances).set(values).where(eq(instances.id, id)).returning();
      webhookAuths.delete(id);
      return row;
    },

    /** Deletes the instance; its chats, messages, reactions and Telegram posts go with it (FK cascade). */
    async remove(id: number): Promise<void> {
      await db.delete(instances).where(eq(instances.id, id));
      webhookAuths.delete(id);
    },

    /**
     * Records a state seen at Green-API; null when nothing changed. One transaction (row locked): the state log gets
     * the change, `offline_since` is set when the number leaves authorized and cleared when it returns, and
     * "applying settings" ends once the instance reports authorized or notAuthorized. A different number (`wid`, a
     * re-scan with another phone) keeps the old one as `previous_wid`, and the chats it had stay marked as its own
     * (`chats.owner_wid`). Listeners run only for real state changes, once, in the process that made them.
     */
    async setState(id: number, state: InstanceState, reportedWid?: string | null): Promise<StateTransition | null> {
      const wid = ownNumber(reportedWid);
      let replaced: string | null = null;
      const transition = await db.transaction(async (tx) => {
        const [old] = await tx
          .select({
            state: instances.state,
            wid: instances.wid,
            offlineSince: instances.offlineSince,
            settingsPendingSince: instances.settingsPendingSince,
          })
          .from(instances)
          .where(eq(instances.id, id))
          .for("update");
        if (!old) return null;
        const widChanged = wid !== null && wid !== old.wid;
        if (old.state === state && !widChanged) return null;
        // Another phone was linked: its predecessor is remembered.
        const before = ownNumber(old.wid);
        replaced = wid !== null && before !== null && before !== wid ? before : null;
        const online = state === "authorized";
        const settled = state === "authorized" || state === "notAuthorized";
        await tx
          .update(instances)
          .set({
            state,
            ...(wid ? { wid } : {}),
            ...(replaced ? { previousWid: replaced, widChangedAt: sql`now()` } : {}),
            offlineSince: online ? null : (old.offlineSince ?? sql`now()`),
            ...(settled ? { settingsPendingSince: null } : {}),
          })
          .where(eq(instances.id, id));
        let firstAuthorized = false;
        if (old.state !== state) {
          const [seen] = await tx
            .select({
              n: sql<number>`count(*)::int`,
              authorized: sql<number>`count(*) filter (where ${instanceStateLog.state} = 'authorized')::int`,
            })
            .from(instanceStateLog)
            .where(eq(instanceStateLog.instanceId, id));
          // A number tracked before the log existed: its stored state counts as the first entry.
          if (!seen?.n && old.state !== "unknown")
            await tx.insert(instanceStateLog).values({ instanceId: id, state: old.state });
          firstAuthorized = online && !seen?.authorized && old.state !== "authorized";
          await tx.insert(instanceStateLog).values({ instanceId: id, state });
        }
        return {
          instanceId: id,
          from: old.state,
          to: state,
          offlineSince: old.offlineSince,
          firstAuthorized,
          settingsPending: old.settingsPendingSince !== null,
        };
      });
      // Chats that never recorded a number were the predecessor's (after the commit: no chat row locks under the instance's).
      if (replaced) await assignOwnerlessChats(db, id, replaced);
      if (transition && transition.from !== transition.to) for (const listener of stateListeners) listener(transition);
      return transition;
    },

    /** Intake went silent while authorized: "offline since" from the last notification; false when already marked. */
    async markIntakeSilent(id: number, since: Date): Promise<boolean> {
      const rows = await db
        .update(instances)
        .set({ offlineSince: since })
        .where(and(eq(instances.id, id), eq(instances.state, "authorized"), isNull(instances.offlineSince)))
        .returning({ id: instances.id });
      return rows.length > 0;
    },

    /** Notifications arrive again: clears the mark set at `since`; false when someone else already did. */
    async clearIntakeSilence(id: number, since: Date): Promise<boolean> {
      const rows = await db
        .update(instances)
        .set({ offlineSince: null })
        .where(and(eq(instances.id, id), eq(instances.state, "authorized"), eq(instances.offlineSince, since)))
        .returning({ id: instances.id });
      return rows.length > 0;
    },

    /** Called after every committed state change (history import, backfill, announcements). */
    onStateChange(listener: (t: StateTransition) => void): void {
      stateListeners.push(listener);
    },

    /** The recent state changes of an instance, newest first. */
    async stateLog(id: number, limit = 20): Promise<{ state: InstanceState; at: Date }[]> {
      return db
        .select({ state: instanceStateLog.state, at: instanceStateLog.at })
        .from(instanceStateLog)
        .where(eq(instanceStateLog.instanceId, id))
        .orderBy(desc(instanceStateLog.id))
        .limit(limit);
    },

    /** What removing the instance would delete. */
    async impact(id: number): Promise<{ chats: number; messages: number }> {
      const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(chats).where(eq(chats.instanceId, id));
      const [m] = await db.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.instanceId, id));
      return { chats: c?.n ?? 0, messages: m?.n ?? 0 };
    },

    /** Telegram chats the bot may post to, for the channel choice. */
    async telegramChoices(): Promise<{ id: number; title: string }[]> {
      const rows = await db
        .select({ id: telegramChats.id, title: telegramChats.title, username: telegramChats.username })
        .from(telegramChats)
        .where(
          and(
            eq(telegramChats.canPost, true),
            eq(telegramChats.botStatus, "administrator"),
            inArray(telegramChats.type, ["channel", "supergroup", "group"]),
          ),
        )
        .orderBy(asc(telegramChats.title));
      return rows.map((r) => ({ id: r.id, title: r.title ?? r.username ?? String(r.id) }));
    },

    /** Enabled instances whose notifications are fetched by polling. */
    async listPolling(): Promise<InstanceRow[]> {
      return db
        .select()
        .from(instances)
        .where(and(eq(instances.intakeMode, "polling"), eq(instances.enabled, true)));
    },

    async getView(id: number): Promise<InstanceView | undefined> {
      const [row] = await db.select(viewColumns).from(instances).where(eq(instances.id, id));
      return row ? (await withCounts([row]))[0] : undefined;
    },

    /** The instances this user may see, by name. */
    async listVisible(user: SessionUser): Promise<InstanceView[]> {
      const scope = visibleInstances(user);
      if (scope !== "all" && scope.length === 0) return [];
      const rows = await db
        .select(viewColumns)
        .from(instances)
        .where(scope === "all" ? undefined : inArray(instances.id, [...scope]))
        .orderBy(asc(instances.name));
      return withCounts(rows);
    },

    /** Totals for the dashboard within what the user may see (chats and messages from the `counts` snapshot). */
    async totals(user: SessionUser): Promise<{ instances: number; chats: number; messagesToday: number }> {
      const scope = visibleInstances(user);
      if (scope !== "all" && scope.length === 0) return { instances: 0, chats: 0, messagesToday: 0 };
      const ids = await db
        .select({ id: instances.id })
        .from(instances)
        .where(scope === "all" ? undefined : inArray(instances.id, [...scope]));
      const byInstance = ids.length ? await counts() : new Map<number, InstanceCounts>();
      let chatTotal = 0;
      let today = 0;
      for (const { id } of ids) {
        const c = byInstance.get(id) ?? NO_COUNTS;
        chatTotal += c.chats;
        today += c.messagesToday;
      }
      return { instances: ids.length, chats: chatTotal, messagesToday: today };
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
