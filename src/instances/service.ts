// Instances: reading them within what a user may see, and the writes behind managing them. Apart: the counts snapshot
// (counts.ts) and recording a state change (state-log.ts).
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instanceStateLog, instances, messages, telegramChats } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { type CountsOptions, createCountsSnapshot, type InstanceCounts, NO_COUNTS } from "./counts.ts";
import { recordState, type StateTransition } from "./state-log.ts";

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
  telegramLocale: instances.telegramLocale,
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

/**
 * A webhook check reads the instance's token from memory for up to this long: a change made by this process is seen at
 * once, one made by another process (several processes, src/cluster/) within this time.
 */
const WEBHOOK_AUTH_TTL_MS = 2000;

export type WebhookAuth = Pick<InstanceRow, "id" | "idInstance" | "webhookToken">;

export function createInstanceService(db: Db, opts: CountsOptions = {}) {
  const stateListeners: ((t: StateTransition) => void)[] = [];
  const { counts, withCounts } = createCountsSnapshot(db, opts);
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
     * Records a state seen at Green-API (state-log.ts); null when nothing changed. Listeners run only for real state
     * changes, once, in the process that made them.
     */
    async setState(id: number, state: InstanceState, reportedWid?: string | null): Promise<StateTransition | null> {
      const transition = await recordState(db, id, state, reportedWid);
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
