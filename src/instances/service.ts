// Instances: reading them within what a user may see (management comes with the instances issue).
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instances, messages } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";

export type InstanceRow = typeof instances.$inferSelect;
/** An instance as pages show it: never carries the API token. */
export type InstanceView = Omit<InstanceRow, "apiToken" | "webhookToken"> & { chatCount: number; unread: number };

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
  createdAt: instances.createdAt,
  updatedAt: instances.updatedAt,
  chatCount: sql<number>`(select count(*)::int from chats c where c.instance_id = "instances"."id")`,
  unread: sql<number>`(select coalesce(sum(c.unread_count), 0)::int from chats c where c.instance_id = "instances"."id")`,
};

export function createInstanceService(db: Db) {
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

    /** Instances whose notifications are fetched by polling. */
    async listPolling(): Promise<InstanceRow[]> {
      return db.select().from(instances).where(eq(instances.intakeMode, "polling"));
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
