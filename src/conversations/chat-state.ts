// The workflow columns of chats (status, assignee, auto-reply claim, owner number): team, auto-reply and instances
// change them through these functions.
import { and, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats } from "../db/schema/index.ts";

export type ChatStatus = "open" | "pending" | "resolved";

/** Gives the chat to `assigneeId` (null: nobody), reopening a resolved one; false when it already had that assignee. */
export async function assignChat(db: Db, chatId: number, assigneeId: number | null): Promise<boolean> {
  const [updated] = await db
    .update(chats)
    .set({
      assigneeId,
      status: sql`case when ${chats.status} = 'resolved' then 'open' else ${chats.status} end`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(chats.id, chatId),
        assigneeId === null
          ? sql`${chats.assigneeId} is not null`
          : sql`${chats.assigneeId} is distinct from ${assigneeId}`,
      ),
    )
    .returning({ id: chats.id });
  return updated !== undefined;
}

/** Gives an unassigned chat to `userId` (auto-assignment); false when someone has it already. */
export async function claimUnassignedChat(db: Db, chatId: number, userId: number): Promise<boolean> {
  const [taken] = await db
    .update(chats)
    .set({ assigneeId: userId })
    .where(and(eq(chats.id, chatId), sql`${chats.assigneeId} is null`))
    .returning({ id: chats.id });
  return taken !== undefined;
}

/** Sets open / pending / resolved; false when it already was. */
export async function setChatStatus(db: Db, chatId: number, status: ChatStatus): Promise<boolean> {
  const [updated] = await db
    .update(chats)
    .set({ status, updatedAt: sql`now()` })
    .where(and(eq(chats.id, chatId), ne(chats.status, status)))
    .returning({ id: chats.id });
  return updated !== undefined;
}

/**
 * Claims the auto-reply of these chats of the instance (those without one since `due`) at `now`, with one conditional
 * UPDATE: restarts, re-deliveries and several processes never send it twice. Returns the claimed chats.
 */
export async function claimAutoReplies(
  db: Db,
  instanceId: number,
  waChatIds: string[],
  now: Date,
  due: Date,
): Promise<Array<{ id: number; waChatId: string }>> {
  return db
    .update(chats)
    .set({ lastAutoReplyAt: now })
    .where(
      and(
        eq(chats.instanceId, instanceId),
        inArray(chats.waChatId, waChatIds),
        or(isNull(chats.lastAutoReplyAt), lte(chats.lastAutoReplyAt, due)),
      ),
    )
    .returning({ id: chats.id, waChatId: chats.waChatId });
}

/** Chats of the instance that never recorded a number were the predecessor's: `wid`, the number replaced. */
export async function assignOwnerlessChats(db: Db, instanceId: number, wid: string): Promise<void> {
  await db
    .update(chats)
    .set({ ownerWid: wid })
    .where(and(eq(chats.instanceId, instanceId), isNull(chats.ownerWid)));
}
