// The download state of a message's media (pending → ready | failed, failed → pending on retry), written here only.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages, type MessageMedia } from "../db/schema/index.ts";

/** Messages whose media still waits for its download. */
export const mediaPending = sql`${messages.media}->>'state' = 'pending'`;

/** Records a download's outcome; false when the media was no longer pending (nothing changed). */
export async function recordMediaOutcome(db: Db, messageId: number, media: MessageMedia): Promise<boolean> {
  const [updated] = await db
    .update(messages)
    .set({ media })
    .where(and(eq(messages.id, messageId), mediaPending))
    .returning({ id: messages.id });
  return updated !== undefined;
}

/** Makes a failed download of a message of the instance pending again; its chat, or null when none failed. */
export async function markMediaForRetry(
  db: Db,
  instanceId: number,
  messageId: number,
): Promise<{ chatId: number } | null> {
  const [row] = await db
    .update(messages)
    .set({ media: sql`(${messages.media} - 'error' - 'reason' - 'downloadUrl') || '{"state":"pending"}'::jsonb` })
    .where(
      and(eq(messages.id, messageId), eq(messages.instanceId, instanceId), sql`${messages.media}->>'state' = 'failed'`),
    )
    .returning({ chatId: messages.chatId });
  return row ?? null;
}
