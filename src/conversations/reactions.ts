// One's own reaction to a message (from the web or Telegram): sent to WhatsApp with sendReaction, then stored.
// Sent first and stored only when Green-API accepted it, so the inbox never shows a reaction WhatsApp did not get
// (no outbox: a reaction is a click the user sees answered at once, or refused with the reason).
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { Logger } from "../lib/log.ts";
import { applyEffect } from "./edits.ts";

export interface ReactDeps {
  db: Db;
  bus: EventBus;
  gateway: Gateway;
  log: Logger;
  loadInstance: (id: number) => Promise<(InstanceCredentials & { wid: string | null }) | undefined>;
}

export interface ReactInput {
  instanceId: number;
  /** The message's chat (our row id). */
  chatId: number;
  /** The message (our row id). */
  messageId: number;
  /** The emoji, or null to take one's reaction back. */
  emoji: string | null;
  /** Who reacted, for the log (an app user, from the web or through Telegram). */
  actor: { userId: number; via: "web" | "telegram" };
}

/** `undefined`: no such message in that chat; otherwise whether WhatsApp took it (and why not). */
export type ReactResult = { ok: true } | { ok: false; error: string };

/** Reacts to a message as the number (its own WhatsApp id is the reactor), replacing or removing its reaction. */
export async function react(deps: ReactDeps, input: ReactInput): Promise<ReactResult | undefined> {
  const [row] = await deps.db
    .select({ id: messages.id, idMessage: messages.idMessage, deletedAt: messages.deletedAt })
    .from(messages)
    .where(
      and(
        eq(messages.id, input.messageId),
        eq(messages.chatId, input.chatId),
        eq(messages.instanceId, input.instanceId),
      ),
    );
  if (!row) return undefined;
  if (!row.idMessage || row.deletedAt) return { ok: false, error: "message cannot take a reaction" };
  const instance = await deps.loadInstance(input.instanceId);
  if (!instance) return { ok: false, error: "instance removed" };
  if (!instance.wid) return { ok: false, error: "number not authorized" };
  const { waChatId } = await chatOf(deps.db, input.chatId);
  try {
    await deps.gateway.call(
      instance,
      "sendReaction",
      "reply",
      (c) => c.sendReaction({ chatId: waChatId, idMessage: row.idMessage!, reaction: input.emoji ?? "" }),
      { maxAttempts: 3 },
    );
  } catch (err) {
    const error = err instanceof GreenApiError ? err.reason : "request failed";
    deps.log.info({ ...input, error }, "reaction not sent");
    return { ok: false, error };
  }
  await applyEffect(
    deps.db,
    row.id,
    { kind: "react", target: row.idMessage, emoji: input.emoji ?? "" },
    instance.wid,
    new Date(),
  );
  deps.log.info({ ...input }, "reaction sent");
  deps.bus.publish({
    name: EVENTS.messageUpdated,
    instanceId: input.instanceId,
    data: { messageId: row.id, chatId: input.chatId, change: "reaction", own: true },
  });
  return { ok: true };
}

async function chatOf(db: Db, chatId: number): Promise<{ waChatId: string }> {
  const [chat] = await db.select({ waChatId: chats.waChatId }).from(chats).where(eq(chats.id, chatId));
  return { waChatId: chat?.waChatId ?? "" };
}
