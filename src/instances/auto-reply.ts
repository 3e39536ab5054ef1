// Auto-reply: a customer who writes gets the instance's auto-reply text at most once per chat per interval.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { queryRows } from "../db/rows.ts";
import type { HandlerContext, Intake } from "../greenapi/intake.ts";
import { isMessageNotification } from "../greenapi/notifications.ts";
import { claimAutoReplies, type Outbox } from "../conversations/index.ts";
import type { Logger } from "../lib/log.ts";

export interface AutoReplyOptions {
  db: Db;
  log: Logger;
  /** Read at each message (the outbox is created after the intake handlers). */
  outbox: () => Pick<Outbox, "enqueue">;
  /** The clock (tests move it past the interval). */
  now?: () => Date;
}

/** Registers after the conversations' ingest handler (src/deps.ts), so the customers' messages (and their chats) are stored first. */
export function registerAutoReply(intake: Intake, opts: AutoReplyOptions): void {
  intake.onBatch(["incomingMessageReceived"], async (instanceId, items, ctx) => {
    // Customers only: no groups, no broadcasts/statuses; a reaction is not someone writing.
    const customers = items.flatMap(({ event }) =>
      isMessageNotification(event) &&
      /@(c\.us|lid)$/.test(event.senderData.chatId) &&
      event.messageData.typeMessage !== "reactionMessage"
        ? [event.senderData.chatId]
        : [],
    );
    // In the intake's transaction: the claims and the queued replies commit (or roll back) with the notifications.
    if (customers.length > 0) await autoReply(opts, instanceId, [...new Set(customers)], ctx);
  });
}

/**
 * Sends the auto-reply to the chats that had none within the interval, if the instance has it on. The chat rows are
 * claimed with one conditional UPDATE, so restarts, re-deliveries and several processes never send it twice.
 * Returns how many replies were queued.
 */
export async function autoReply(
  opts: AutoReplyOptions,
  instanceId: number,
  waChatIds: string[],
  ctx?: HandlerContext,
): Promise<number> {
  const db = ctx?.db ?? opts.db;
  // Hand-written: read for every batch of customers' messages: fixed text, one prepared statement, nothing to build
  // (bench/RESULTS.md, Ingest, session 4: builder ≈ 8 % of app CPU, 121–126 → 106–108 µs/webhook).
  const [inst] = await queryRows<{ on: boolean; text: string | null; hours: number; enabled: boolean }>(
    db,
    sql`
    select auto_reply_enabled as "on", auto_reply_text as text, auto_reply_interval_hours as hours, enabled from instances where id = ${instanceId}`,
  );
  const text = inst?.text?.trim();
  if (!inst?.on || !inst.enabled || !text) return 0;
  const now = opts.now?.() ?? new Date();
  const due = new Date(now.getTime() - inst.hours * 3_600_000);
  const claimed = await claimAutoReplies(db, instanceId, waChatIds, now, due);
  for (const chat of claimed) {
    await opts.outbox().enqueue(
      {
        instanceId,
        waChatId: chat.waChatId,
        text,
        via: "auto",
        idempotencyKey: `auto:${chat.id}:${now.toISOString()}`,
      },
      ctx,
    );
    opts.log.info({ instanceId, chatId: chat.id }, "auto-reply queued");
  }
  return claimed.length;
}
