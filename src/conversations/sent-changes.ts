// Editing or deleting a message the team sent, in WhatsApp (editMessage, deleteMessage) and then here: for a manager's
// Telegram reply that they edit or /delete. Green-API is asked first; the change is stored only once it accepted it.
import { eq } from "drizzle-orm";
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

/**
 * Changes sent message `messageId` in WhatsApp and records it (the web bubble shows it edited or deleted). The caller
 * vouches for authorship (a Telegram reply record: only its author, or a channel's admins, can edit or answer it).
 * `undefined`: no such message.
 */
export async function changeSentMessage(
  deps: SentChangeDeps,
  messageId: number,
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
    })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(eq(messages.id, messageId));
  if (!row) return undefined;
  if (row.direction === "out" && (row.status === "queued" || row.status === "sending"))
    return { ok: false, refusal: "notSent" };
  // Authorship is settled by the caller: the windows and the message's kind decide.
  const own = { ...row, senderUserId: 0 };
  const refusal = change.kind === "edit" ? editRefusal(own, 0) : deleteRefusal(own, 0);
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
    deps.log.info({ messageId, change: change.kind, error }, "sent message not changed");
    return { ok: false, error };
  }
  if (change.kind === "edit") await recordOwnEdit(deps.db, row.id, change.text);
  else await recordOwnDelete(deps.db, row.id);
  deps.bus.publish({
    name: EVENTS.messageUpdated,
    instanceId: row.instanceId,
    data: { messageId: row.id, chatId: row.chatId, change: change.kind === "edit" ? "edited" : "deleted" },
  });
  return { ok: true };
}
