// Chats and messages: reads scoped to the instances a user may see.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instances } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";

export interface ChatListItem {
  id: number;
  instanceId: number;
  instanceName: string;
  waChatId: string;
  name: string | null;
  unreadCount: number;
  lastMessageAt: Date | null;
}

export function createInboxService(db: Db) {
  return {
    /** One chat of an instance (undefined when it is not that instance's). */
    async getChat(instanceId: number, chatId: number) {
      const [row] = await db.select().from(chats).where(and(eq(chats.instanceId, instanceId), eq(chats.id, chatId)));
      return row;
    },

    /** Newest chats first, within the user's instances (and one instance when given). */
    async listChats(user: SessionUser, opts: { instanceId?: number; limit?: number } = {}): Promise<ChatListItem[]> {
      const scope = visibleInstances(user);
      if (scope !== "all" && scope.length === 0) return [];
      return db
        .select({
          id: chats.id,
          instanceId: chats.instanceId,
          instanceName: instances.name,
          waChatId: chats.waChatId,
          name: chats.name,
          unreadCount: chats.unreadCount,
          lastMessageAt: chats.lastMessageAt,
        })
        .from(chats)
        .innerJoin(instances, eq(instances.id, chats.instanceId))
        .where(
          and(
            scope === "all" ? undefined : inArray(chats.instanceId, [...scope]),
            opts.instanceId === undefined ? undefined : eq(chats.instanceId, opts.instanceId),
          ),
        )
        .orderBy(sql`${chats.lastMessageAt} desc nulls last`, desc(chats.id))
        .limit(opts.limit ?? 50);
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
