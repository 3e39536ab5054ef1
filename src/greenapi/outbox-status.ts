// Delivery statuses (outgoingMessageStatus) applied to stored sends, only ever moving forward.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Intake } from "./intake.ts";

const FAILED_STATUSES: Record<string, string> = {
  failed: "WhatsApp could not deliver the message",
  noAccount: "this number has no WhatsApp account",
  notInGroup: "the number is not in this group",
  yellowCard: "sending is suspended for this number (yellow card)",
};

/** Applies delivery statuses (outgoingMessageStatus) to stored messages; never moves a status backwards. */
export function registerStatusHandler(intake: Intake, db: Db, bus: EventBus): void {
  const before: Record<string, string[]> = {
    sent: ["sending", "accepted", "unknown"],
    delivered: ["sending", "accepted", "sent", "unknown"],
    read: ["sending", "accepted", "sent", "delivered", "unknown"],
    failed: ["sending", "accepted", "sent", "unknown"],
  };
  intake.on("outgoingMessageStatus", async (instanceId, event) => {
    if (event.typeWebhook !== "outgoingMessageStatus") return;
    const status = event.status in FAILED_STATUSES ? "failed" : (event.status as "sent" | "delivered" | "read");
    const chat = db.select({ id: chats.id }).from(chats).where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, event.chatId)));
    const updated = await db
      .update(messages)
      .set({ status, failReason: status === "failed" ? (event.description ?? FAILED_STATUSES[event.status]!) : null })
      .where(and(inArray(messages.chatId, chat), eq(messages.idMessage, event.idMessage), inArray(messages.status, before[status]! as never)))
      .returning({ id: messages.id, chatId: messages.chatId });
    for (const row of updated) bus.publish({ name: EVENTS.messageUpdated, instanceId, data: { messageId: row.id, chatId: row.chatId, status } });
  });
}
