// Instances: reading them within what a user may see, and the writes behind managing them.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instanceStateLog, instances, messages, telegramChats } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";

export type InstanceRow = typeof instances.$inferSelect;
/** An instance as pages show it: never carries the API token. */
export type InstanceView = Omit<InstanceRow, "apiToken" | "webhookToken"> & {
  chatCount: number;
  unread: number;
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
  chatCount: sql<number>`(select count(*)::int from chats c where c.instance_id = "instances"."id")`,
  unread: sql<number>`(select coalesce(sum(c.unread_count), 0)::int from chats c where c.instance_id = "instances"."id")`,
  messageCount: sql<number>`(select count(*)::int from messages m where m.instance_id = "instances"."id")`,
  telegramTitle: sql<string | null>`(select coalesce(t.title, t.username) from telegram_chats t where t.id = "instances"."telegram_chat_id")`,
  /** Green-API's explanation: from the last 466 answer, else from the newest quotaExceeded notification. */
  quotaDescription: sql<string | null>`coalesce("instances"."quota_description", (select n.body->'quotaData'->>'description' from notifications n where n.instance_id = "instances"."id" and n.type_webhook = 'quotaExceeded' order by n.id desc limit 1))`,
};

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

export function createInstanceService(db: Db) {
  const stateListeners: ((t: StateTransition) => void)[] = [];
  return {
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
      return row;
    },

    /** Deletes the instance; its chats, messages, reactions and Telegram posts go with it (FK cascade). */
    async remove(id: number): Promise<void> {
      await db.delete(instances).where(eq(instances.id, id));
    },

    /**
     * Records a state seen at Green-API; null when nothing changed. One transaction (row locked): the state log gets
     * the change, `offline_since` is set when the number leaves authorized and cleared when it returns, and
     * "applying settings" ends once the instance reports authorized or notAuthorized. Listeners run only for real
     * changes, once, in the process that made them.
     */
    async setState(id: number, state: InstanceState, wid?: string | null): Promise<StateTransition | null> {
      const transition = await db.transaction(async (tx) => {
        const [old] = await tx
          .select({ state: instances.state, wid: instances.wid, offlineSince: instances.offlineSince, settingsPendingSince: instances.settingsPendingSince })
          .from(instances)
          .where(eq(instances.id, id))
          .for("update");
        if (!old) return null;
        const widChanged = Boolean(wid) && wid !== old.wid;
        if (old.state === state && !widChanged) return null;
        const online = state === "authorized";
        const settled = state === "authorized" || state === "notAuthorized";
        await tx
          .update(instances)
          .set({
            state,
            ...(wid ? { wid } : {}),
            offlineSince: online ? null : old.offlineSince ?? sql`now()`,
            ...(settled ? { settingsPendingSince: null } : {}),
          })
          .where(eq(instances.id, id));
        let firstAuthorized = false;
        if (old.state !== state) {
          const [seen] = await tx.select({ n: sql<number>`count(*)::int`, authorized: sql<number>`count(*) filter (where ${instanceStateLog.state} = 'authorized')::int` }).from(instanceStateLog).where(eq(instanceStateLog.instanceId, id));
          // A number tracked before the log existed: its stored state counts as the first entry.
          if (!seen?.n && old.state !== "unknown") await tx.insert(instanceStateLog).values({ instanceId: id, state: old.state });
          firstAuthorized = online && !seen?.authorized && old.state !== "authorized";
          await tx.insert(instanceStateLog).values({ instanceId: id, state });
        }
        return { instanceId: id, from: old.state, to: state, offlineSince: old.offlineSince, firstAuthorized, settingsPending: old.settingsPendingSince !== null };
      });
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
      return db.select({ state: instanceStateLog.state, at: instanceStateLog.at }).from(instanceStateLog).where(eq(instanceStateLog.instanceId, id)).orderBy(desc(instanceStateLog.id)).limit(limit);
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
        .where(and(eq(telegramChats.canPost, true), eq(telegramChats.botStatus, "administrator"), inArray(telegramChats.type, ["channel", "supergroup", "group"])))
        .orderBy(asc(telegramChats.title));
      return rows.map((r) => ({ id: r.id, title: r.title ?? r.username ?? String(r.id) }));
    },

    /** Enabled instances whose notifications are fetched by polling. */
    async listPolling(): Promise<InstanceRow[]> {
      return db.select().from(instances).where(and(eq(instances.intakeMode, "polling"), eq(instances.enabled, true)));
    },

    async getView(id: number): Promise<InstanceView | undefined> {
      const [row] = await db.select(viewColumns).from(instances).where(eq(instances.id, id));
      return row;
    },

    /** The instances this user may see, by name. */
    async listVisible(user: SessionUser): Promise<InstanceView[]> {
      const scope = visibleInstances(user);
      if (scope !== "all" && scope.length === 0) return [];
      return db
        .select(viewColumns)
        .from(instances)
        .where(scope === "all" ? undefined : inArray(instances.id, [...scope]))
        .orderBy(asc(instances.name));
    },

    /** Totals for the dashboard within what the user may see. */
    async totals(user: SessionUser): Promise<{ instances: number; chats: number; unread: number; messagesToday: number }> {
      const scope = visibleInstances(user);
      if (scope !== "all" && scope.length === 0) return { instances: 0, chats: 0, unread: 0, messagesToday: 0 };
      const inScope = (col: typeof instances.id | typeof chats.instanceId | typeof messages.instanceId) =>
        scope === "all" ? undefined : inArray(col, [...scope]);
      const [i] = await db.select({ n: sql<number>`count(*)::int` }).from(instances).where(inScope(instances.id));
      const [c] = await db
        .select({ n: sql<number>`count(*)::int`, unread: sql<number>`coalesce(sum(${chats.unreadCount}), 0)::int` })
        .from(chats)
        .where(inScope(chats.instanceId));
      const [m] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(and(inScope(messages.instanceId), sql`${messages.sentAt} >= date_trunc('day', now())`));
      return { instances: i?.n ?? 0, chats: c?.n ?? 0, unread: c?.unread ?? 0, messagesToday: m?.n ?? 0 };
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
