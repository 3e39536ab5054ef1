// Resending: a failed send of a chat, or one Green-API never confirmed (the user checked the phone), goes back into the
// outbox queue (the outbox delivers it again).
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages } from "../db/schema/index.ts";

/** Puts a failed or unconfirmed outgoing message of the chat back in the outbox queue; false when it is neither. */
export async function requeueFailedSend(db: Db, chatId: number, messageId: number): Promise<boolean> {
  const updated = await db
    .update(messages)
    .set({ status: "queued", failReason: null, nextAttemptAt: null, idMessage: null, attempts: 0 })
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.chatId, chatId),
        eq(messages.direction, "out"),
        inArray(messages.status, ["failed", "unknown"]),
      ),
    )
    .returning({ id: messages.id });
  return updated.length > 0;
}
