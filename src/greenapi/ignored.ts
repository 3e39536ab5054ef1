// Message notifications that are not customer conversations (WhatsApp Status stories, channels): counted, not stored.
import type { Logger } from "../lib/log.ts";
import { metrics } from "../metrics/index.ts";
import { chatKindOf } from "./ids.ts";
import type { Intake } from "./intake.ts";
import { isMessageNotification, type NotificationEvent } from "./notifications.ts";

export const IGNORED_REASONS = ["status_broadcast", "newsletter"] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

/**
 * Why a message notification makes no chat: `status@broadcast` (someone's Status story, or one's own) and `@newsletter`
 * (a WhatsApp channel) are not conversations with customers. Null for everything else.
 */
export function ignoredReason(event: NotificationEvent): IgnoredReason | null {
  if (!isMessageNotification(event)) return null;
  const kind = chatKindOf(event.senderData.chatId);
  return kind === "broadcast" ? "status_broadcast" : kind === "newsletter" ? "newsletter" : null;
}

/**
 * Counts (`greeninbox_notifications_ignored_total{reason}`) and logs, once their batch is committed, the message
 * notifications the inbox skips (src/conversations/ingest.ts asks ignoredReason); the intake marks them processed as usual.
 */
export function registerIgnoredNotifications(intake: Intake, log: Logger): void {
  for (const reason of IGNORED_REASONS) metrics.notificationsIgnored.inc({ reason }, 0);
  intake.onBatch(
    ["incomingMessageReceived", "outgoingMessageReceived", "outgoingAPIMessageReceived"],
    async (instanceId, items, ctx) => {
      for (const { event } of items) {
        const reason = ignoredReason(event);
        if (!reason || !isMessageNotification(event)) continue;
        ctx.defer(() => {
          metrics.notificationsIgnored.inc({ reason });
          log.info(
            { instanceId, idMessage: event.idMessage, typeWebhook: event.typeWebhook, reason },
            "notification ignored: not a customer conversation",
          );
        });
      }
    },
  );
}
