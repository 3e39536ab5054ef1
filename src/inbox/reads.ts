// Per-user read markers: how far each user has read each chat (unread counts are per user).
import { and, eq, sql } from "drizzle-orm";
import { newestFirst } from "./order.ts";
import type { Db } from "../db/client.ts";
import { chatReads, messages } from "../db/schema/index.ts";

export function readQueries(db: Db) {
  return {
    /**
     * Moves the user's read marker of a chat to its newest message. Returns whether incoming messages were unread
     * before (so callers only announce or tell WhatsApp when something changed).
     */
    async moveReadMarker(userId: number, chatId: number): Promise<boolean> {
      const [newest] = await db
        .select({ id: messages.id })
        .from(messages)
        .where(eq(messages.chatId, chatId))
        .orderBy(...newestFirst(messages.sentAt, messages.id))
        .limit(1);
      if (!newest) return false;
      const [marker] = await db
        .select({ id: chatReads.lastReadMessageId })
        .from(chatReads)
        .where(and(eq(chatReads.userId, userId), eq(chatReads.chatId, chatId)));
      if (marker?.id === newest.id) return false;
      const [unread] = await db
        .select({ one: sql<number>`1` })
        .from(messages)
        .where(
          and(
            eq(messages.chatId, chatId),
            eq(messages.direction, "in"),
            marker
              ? sql`(${messages.sentAt}, ${messages.id}) > (select rm.sent_at, rm.id from messages rm where rm.id = ${marker.id})`
              : undefined,
          ),
        )
        .limit(1);
      await db
        .insert(chatReads)
        .values({ userId, chatId, lastReadMessageId: newest.id })
        .onConflictDoUpdate({
          target: [chatReads.userId, chatReads.chatId],
          set: { lastReadMessageId: newest.id, readAt: sql`now()` },
        });
      return unread !== undefined;
    },
  };
}
