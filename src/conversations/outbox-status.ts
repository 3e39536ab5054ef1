// Delivery statuses (outgoingMessageStatus) applied to stored sends, only ever moving forward.
import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Logger } from "../lib/log.ts";
import { sendFailure, type SendFailure } from "../lib/sending.ts";
import type { Intake } from "../greenapi/intake.ts";

/** The failing delivery statuses and the failure each one is stored as (rendered in the reader's language). */
const FAILED_STATUSES: Record<string, SendFailure> = {
  failed: "notDelivered",
  noAccount: "noAccount",
  notInGroup: "notInGroup",
  yellowCard: "yellowCard",
};

/** The statuses a message may have before moving to each status. */
const BEFORE: Record<string, string[]> = {
  sent: ["sending", "accepted", "unknown"],
  delivered: ["sending", "accepted", "sent", "unknown"],
  read: ["sending", "accepted", "sent", "delivered", "unknown"],
  failed: ["sending", "accepted", "sent", "unknown"],
};

/**
 * Applies delivery statuses (outgoingMessageStatus) to stored messages; never moves a status backwards. A status
 * without `chatId` (real ones come so) is applied by idMessage alone, which API sends make unique within an instance;
 * should two messages of the instance share it, neither is touched.
 */
export function registerStatusHandler(intake: Intake, db: Db, bus: EventBus, log: Logger): void {
  /** Which message a chatless status is about: the only one of the instance with that idMessage, if there is one. */
  async function soleMessage(instanceId: number, idMessage: string): Promise<SQL | null> {
    // Through the instance's chats: (chat, idMessage) is indexed, the instance alone is not.
    const found = await db
      .select({ id: messages.id })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(and(eq(chats.instanceId, instanceId), eq(messages.idMessage, idMessage)))
      .limit(2);
    if (found.length > 1)
      log.warn({ instanceId, idMessage }, "status without chatId matches several messages; applied to none");
    return found.length === 1 ? eq(messages.id, found[0]!.id) : null;
  }

  intake.on("outgoingMessageStatus", async (instanceId, event) => {
    if (event.typeWebhook !== "outgoingMessageStatus") return;
    const status = event.status in FAILED_STATUSES ? "failed" : (event.status as "sent" | "delivered" | "read");
    let target: SQL | null;
    if (event.chatId === undefined) {
      target = await soleMessage(instanceId, event.idMessage);
    } else {
      // The chat under its id, or under its other id (a `@lid` chat also known by its `@c.us` id, LID mode).
      const chat = db
        .select({ id: chats.id })
        .from(chats)
        .where(
          and(
            eq(chats.instanceId, instanceId),
            or(eq(chats.waChatId, event.chatId), eq(chats.altWaChatId, event.chatId)),
          ),
        );
      target = and(inArray(messages.chatId, chat), eq(messages.idMessage, event.idMessage))!;
    }
    if (!target) return;
    const updated = await db
      .update(messages)
      .set({
        status,
        failReason: status === "failed" ? sendFailure(FAILED_STATUSES[event.status]!, event.description) : null,
      })
      .where(and(target, inArray(messages.status, BEFORE[status]! as never)))
      .returning({ id: messages.id, chatId: messages.chatId });
    for (const row of updated)
      bus.publish({ name: EVENTS.messageUpdated, instanceId, data: { messageId: row.id, chatId: row.chatId, status } });
  });
}
