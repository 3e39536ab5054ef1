// Edits, deletes and reactions on stored messages: from WhatsApp (notifications) and from one's own changes on the web.
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, reactions, type SystemEvent } from "../db/schema/index.ts";
import { chatWithId } from "./chat-ids.ts";
import type { Effect } from "./extract.ts";

/** Chat id and message id of `idMessage` in a chat of the instance (under either of the person's ids), if stored. */
export async function findMessage(db: Db, instanceId: number, waChatId: string, idMessage: string) {
  const [row] = await db
    .select({ id: messages.id, chatId: messages.chatId })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(and(eq(chats.instanceId, instanceId), chatWithId(waChatId), eq(messages.idMessage, idMessage)));
  return row;
}

/** Applies a reaction, edit or delete told by a notification to its stored target (message id). */
export async function applyEffect(db: Db, targetId: number, effect: Effect, reactor: string, at: Date): Promise<void> {
  if (effect.kind === "react" && effect.emoji === "") {
    await db.delete(reactions).where(and(eq(reactions.messageId, targetId), eq(reactions.reactor, reactor)));
  } else if (effect.kind === "react") {
    await db
      .insert(reactions)
      .values({ messageId: targetId, reactor, emoji: effect.emoji })
      .onConflictDoUpdate({
        target: [reactions.messageId, reactions.reactor],
        set: { emoji: effect.emoji, updatedAt: sql`now()` },
      });
  } else if (effect.kind === "edit") {
    // The first edit keeps the original text; an edit older than the shown one (a late re-delivery) changes nothing.
    await db
      .update(messages)
      .set({
        originalText: sql`coalesce(${messages.originalText}, ${messages.text})`,
        text: effect.text,
        editedAt: at,
      })
      .where(and(eq(messages.id, targetId), or(isNull(messages.editedAt), lte(messages.editedAt, at))));
  } else {
    await db
      .update(messages)
      .set({ deletedAt: sql`coalesce(${messages.deletedAt}, ${at.toISOString()}::timestamptz)` })
      .where(eq(messages.id, targetId));
  }
}

/** A call's later notification fills in its system line's outcome (`event`: the same as a code, shown per reader). */
export async function updateCallLine(
  db: Db,
  messageId: number,
  text: string,
  raw: unknown,
  event: SystemEvent,
): Promise<void> {
  await db.update(messages).set({ text, raw, event }).where(eq(messages.id, messageId));
}

/** One's own edit, accepted by WhatsApp: the new text (the original stays in history). */
export async function recordOwnEdit(db: Db, messageId: number, text: string): Promise<void> {
  await db
    .update(messages)
    .set({ originalText: sql`coalesce(${messages.originalText}, ${messages.text})`, text, editedAt: new Date() })
    .where(eq(messages.id, messageId));
}

/** One's own delete for everyone, accepted by WhatsApp: the row stays (admins still see it), marked deleted. */
export async function recordOwnDelete(db: Db, messageId: number): Promise<void> {
  await db
    .update(messages)
    .set({ deletedAt: sql`coalesce(${messages.deletedAt}, now())` })
    .where(eq(messages.id, messageId));
}
