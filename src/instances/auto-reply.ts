// Auto-reply: a customer who writes gets the instance's auto-reply text at most once per chat per interval.
import { and, eq, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instances } from "../db/schema/index.ts";
import type { HandlerContext, Intake } from "../greenapi/intake.ts";
import { isMessageNotification } from "../greenapi/notifications.ts";
import type { Outbox } from "../greenapi/outbox.ts";
import type { Logger } from "../lib/log.ts";

export interface AutoReplyOptions {
  db: Db;
  log: Logger;
  /** Read at each message (the outbox is created after the intake handlers). */
  outbox: () => Pick<Outbox, "enqueue">;
  /** The clock (tests move it past the interval). */
  now?: () => Date;
}

/** Registers after the inbox's ingest handler, so the customer's message (and its chat) is stored first. */
export function registerAutoReply(intake: Intake, opts: AutoReplyOptions): void {
  intake.on("incomingMessageReceived", async (instanceId, event, _body, ctx) => {
    if (!isMessageNotification(event)) return;
    const { chatId } = event.senderData;
    // Customers only: no groups, no broadcasts/statuses; a reaction is not someone writing.
    if (!/@(c\.us|lid)$/.test(chatId) || event.messageData.typeMessage === "reactionMessage") return;
    // In the intake's transaction: the claim and the queued reply commit (or roll back) with the notification.
    await autoReply(opts, instanceId, chatId, ctx);
  }, { batch: true });
}

/**
 * Sends the auto-reply to one chat if the instance has it on and the chat had none within the interval. The chat row
 * is claimed with one conditional UPDATE, so restarts, re-deliveries and several processes never send it twice.
 * Returns whether a reply was queued.
 */
export async function autoReply(opts: AutoReplyOptions, instanceId: number, waChatId: string, ctx?: HandlerContext): Promise<boolean> {
  const db = ctx?.db ?? opts.db;
  const [inst] = await db
    .select({ on: instances.autoReplyEnabled, text: instances.autoReplyText, hours: instances.autoReplyIntervalHours, enabled: instances.enabled })
    .from(instances)
    .where(eq(instances.id, instanceId));
  const text = inst?.text?.trim();
  if (!inst?.on || !inst.enabled || !text) return false;
  const now = opts.now?.() ?? new Date();
  const due = new Date(now.getTime() - inst.hours * 3_600_000);
  const [claimed] = await db
    .update(chats)
    .set({ lastAutoReplyAt: now })
    .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, waChatId), or(isNull(chats.lastAutoReplyAt), lte(chats.lastAutoReplyAt, due))))
    .returning({ id: chats.id });
  if (!claimed) return false;
  await opts.outbox().enqueue({ instanceId, waChatId, text, via: "auto", idempotencyKey: `auto:${claimed.id}:${now.toISOString()}` }, ctx);
  opts.log.info({ instanceId, chatId: claimed.id }, "auto-reply queued");
  return true;
}
