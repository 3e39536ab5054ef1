// System lines and private notes: team-written lines in a conversation (never sent to WhatsApp).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages, type SystemEvent } from "../db/schema/index.ts";
import type { Translate } from "../lib/i18n.ts";
import { systemLineText } from "../lib/system-lines.ts";

export interface LineAuthor {
  id: number;
  displayName: string;
}

/**
 * Writes a system line (a team event: assigned, resolved, …) into the chat as a code (`event`, rendered in each reader's
 * language), with its text in `t`'s language (the app's default: search and Telegram); returns its message id.
 */
export async function writeSystemLine(
  db: Db,
  chat: { id: number; instanceId: number },
  event: SystemEvent,
  actor: LineAuthor | null,
  t: Translate,
): Promise<number> {
  const [row] = await db
    .insert(messages)
    .values({
      instanceId: chat.instanceId,
      chatId: chat.id,
      direction: "system",
      type: "teamEvent",
      text: systemLineText(t, { text: null, event }),
      event,
      via: "web",
      senderUserId: actor?.id,
      senderName: actor?.displayName,
    })
    .returning({ id: messages.id });
  return row!.id;
}

/** Stores a private note (once per key: a retried post adds it once); `created` false when it existed already. */
export async function writeNote(
  db: Db,
  chat: { id: number; instanceId: number },
  actor: LineAuthor,
  text: string,
  key: string,
): Promise<{ id: number; created: boolean }> {
  const idempotencyKey = `note:${actor.id}:${key}`;
  const [created] = await db
    .insert(messages)
    .values({
      instanceId: chat.instanceId,
      chatId: chat.id,
      direction: "note",
      type: "note",
      text,
      via: "web",
      senderUserId: actor.id,
      senderName: actor.displayName,
      idempotencyKey,
    })
    .onConflictDoNothing({ target: messages.idempotencyKey })
    .returning({ id: messages.id });
  if (created) return { id: created.id, created: true };
  const [existing] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(eq(messages.idempotencyKey, idempotencyKey));
  return { id: existing!.id, created: false };
}
