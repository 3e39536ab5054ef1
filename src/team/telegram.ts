// Quick replies from Telegram: a manager's reply `/q code` becomes that reply's text with {name} and {manager} filled in.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, users } from "../db/schema/index.ts";
import { createQuickReplies, fillPlaceholders } from "./quick-replies.ts";

const COMMAND = /^\/q(?:@\w+)?\s+(\S{1,32})\s*$/;

/** null when the text is not `/q code`; else the filled text, or `ok: false` when no such reply exists. */
export async function quickReplyText(
  db: Db,
  text: string,
  at: { instanceId: number; waChatId: string; userId?: number; senderName?: string },
): Promise<{ ok: true; text: string } | { ok: false; code: string } | null> {
  const m = COMMAND.exec(text.trim());
  if (!m) return null;
  const code = m[1]!;
  const reply = await createQuickReplies(db).byCode(at.instanceId, code);
  if (!reply) return { ok: false, code };
  const [chat] = await db
    .select({ name: chats.name })
    .from(chats)
    .where(and(eq(chats.instanceId, at.instanceId), eq(chats.waChatId, at.waChatId)))
    .limit(1);
  const [user] = at.userId
    ? await db.select({ name: users.displayName }).from(users).where(eq(users.id, at.userId))
    : [];
  const name = chat?.name ?? (at.waChatId.endsWith("@c.us") ? `+${at.waChatId.slice(0, -5)}` : "");
  return { ok: true, text: fillPlaceholders(reply.text, { name, manager: user?.name ?? at.senderName ?? "" }) };
}
