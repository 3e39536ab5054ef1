// Editing or deleting a message the team sent, in WhatsApp (editMessage, deleteMessage) and then here: one's own message
// from the web, or a manager's Telegram reply that they edit or /delete. Green-API is asked first; the change is stored
// only once it accepted it.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { Logger } from "../lib/log.ts";
import { deleteRefusal, editRefusal, type ChangeRefusal } from "../lib/message-windows.ts";
import { recordOwnDelete, recordOwnEdit } from "./edits.ts";

export interface SentChangeDeps {
  db: Db;
  bus: EventBus;
  gateway: Gateway;
  log: Logger;
  loadInstance: (id: number) => Promise<InstanceCredentials | undefined>;
}

/** A new text (WhatsApp edits text messages only), or a delete for everyone. */
export type SentChange = { kind: "edit"; text: string } | { kind: "delete" };

/**
 * `notSent`: still in the outbox (nothing in WhatsApp to change yet); the others as the web's windows
 * (src/lib/message-windows.ts); `error`: Green-API refused or did not answer.
 */
export type SentChangeResult =
  | { ok: true }
  | { ok: false; refusal: ChangeRefusal | "notSent" }
  | { ok: false; error: string };

/** Which message: by id, within its chat when the caller has one (a URL's chat), and who asks when the caller has not
 * settled authorship itself (the web: only the author may; a Telegram reply record vouches for its author). */
export interface SentTarget {
  messageId: number;
  chat?: { id: number; instanceId: number };
  userId?: number;
}

/** Changes the sent message in WhatsApp and records it (the bubble and the chat's preview follow); `undefined`: no such
 * message. */
export async function changeSentMessage(
  deps: SentChangeDeps,
  target: SentTarget,
  change: SentChange,
): Promise<SentChangeResult | undefined> {
  const [row] = await deps.db
    .select({
      id: messages.id,
      instanceId: messages.instanceId,
      chatId: messages.chatId,
      waChatId: chats.waChatId,
      direction: messages.direction,
      idMessage: messages.idMessage,
      type: messages.type,
      status: messages.status,
      sentAt: messages.sentAt,
      deletedAt: messages.deletedAt,
      senderUserId: messages.senderUserId,
    })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(
      and(
        eq(messages.id, target.messageId),
        target.chat && eq(messages.chatId, target.chat.id),
        target.chat && eq(messages.instanceId, target.chat.instanceId),
      ),
    );
  if (!row) return undefined;
  const theirs = target.userId === undefined || row.senderUserId === target.userId;
  if (theirs && row.direction === "out" && (row.status === "queued" || row.status === "sending"))
    return { ok: false, refusal: "notSent" };
  // Without a user, authorship is settled by the caller: the windows and the message's kind decide.
  const userId = target.userId ?? 0;
  const own = target.userId === undefined ? { ...row, senderUserId: 0 } : row;
  const refusal = change.kind === "edit" ? editRefusal(own, userId) : deleteRefusal(own, userId);
  if (refusal) return { ok: false, refusal };
  const instance = await deps.loadInstance(row.instanceId);
  if (!instance) return { ok: false, error: "instance removed" };
  const ref = { chatId: row.waChatId, idMessage: row.idMessage! };
  try {
    if (change.kind === "edit")
      await deps.gateway.call(
        instance,
        "editMessage",
        "reply",
        (c) => c.editMessage({ ...ref, message: change.text }),
        {
          maxAttempts: 3,
        },
      );
    else await deps.gateway.call(instance, "deleteMessage", "reply", (c) => c.deleteMessage(ref), { maxAttempts: 3 });
  } catch (err) {
    const error = err instanceof GreenApiError ? err.reason : "request failed";
    deps.log.info({ messageId: row.id, change: change.kind, error }, "sent message not changed");
    return { ok: false, error };
  }
  if (change.kind === "edit") await recordOwnEdit(deps.db, row.id, change.text);
  else await recordOwnDelete(deps.db, row.id);
  deps.bus.publish({
    name: EVENTS.messageUpdated,
    instanceId: row.instanceId,
    data: { messageId: row.id, chatId: row.chatId, change: change.kind === "edit" ? "edited" : "deleted" },
  });
  // The chat's row previews its last message, which this may have been.
  deps.bus.publish({ name: EVENTS.chatUpdated, instanceId: row.instanceId, data: { chatId: row.chatId } });
  return { ok: true };
}
