// The persistent outbox: a send is stored first, then sent through the rate limiter exactly once, surviving crashes.
// Over 250 lines for a reason: the send loop and the reconciler share the in-flight set. Apart: storing a send
// (outbox-enqueue.ts), folding its webhook echo (echoes.ts), matching journal items (outbox-content.ts).
import { and, asc, eq, inArray, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Logger } from "../lib/log.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { HandlerContext } from "../greenapi/intake.ts";
import { RateLimiterStoppedError } from "../greenapi/rate-limiter.ts";
import type { JournalMessage } from "../greenapi/schemas.ts";
import { recordAccepted } from "./echoes.ts";
import { directContext } from "./events.ts";
import { journalStatus, sameContent, type Progress } from "./outbox-content.ts";
import { storeSend, type SendFileInput, type SendTextInput } from "./outbox-enqueue.ts";

export type { SendFileInput, SendTextInput };

/** sendFileByUpload answers 500 past this caption length (shared/green-api.md §1). */
const MAX_CAPTION = 1024;

export interface OutboxOptions {
  db: Db;
  gateway: Gateway;
  bus: EventBus;
  log: Logger;
  loadInstance: (id: number) => Promise<InstanceCredentials | undefined>;
  /** Reads a stored file of a file send (null when it is gone). */
  readFile: (sha256: string) => Promise<Blob | null>;
  /** Ambiguous sends absent from the journal this long are sent again. */
  reconcileAfterMs: number;
  /** Most sends waiting in the rate limiter at once (the rest stay queued in the database). */
  window?: number;
}

export interface Outbox {
  /**
   * Stores a text or file send (once per idempotencyKey); it then goes out in the background. With `ctx` (an intake
   * handler's) the rows are written through its transaction and the send is announced and started after its commit.
   */
  enqueue(
    input: SendTextInput | SendFileInput,
    ctx?: Pick<HandlerContext, "db" | "defer">,
  ): Promise<{ id: number; chatId: number; created: boolean }>;
  start(): void;
  stop(): Promise<void>;
  /** Looks for due sends now (another process queued one). */
  kick(): void;
  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(timeoutMs?: number): Promise<boolean>;
}

type Claimed = {
  id: number;
  instanceId: number;
  chatId: number;
  text: string | null;
  media: MessageMedia | null;
  quotedIdMessage: string | null;
  sendStartedAt: Date | null;
};

export function createOutbox(opts: OutboxOptions): Outbox {
  const { db, gateway, bus, log } = opts;
  const window = opts.window ?? 100;
  const inFlight = new Set<number>();
  let running = false;
  let wake: (() => void) | null = null;
  let loops: Promise<void>[] = [];

  const kick = () => wake?.();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function announce(row: { id: number; instanceId: number; chatId: number }, status: string) {
    bus.publish({
      name: EVENTS.messageUpdated,
      instanceId: row.instanceId,
      data: { messageId: row.id, chatId: row.chatId, status },
    });
  }

  async function claim(limit: number): Promise<Claimed[]> {
    const due = db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.status, "queued"),
          eq(messages.direction, "out"),
          or(isNull(messages.nextAttemptAt), lte(messages.nextAttemptAt, sql`now()`)),
          // A disabled instance's sends wait in the queue until it is enabled again.
          sql`exists (select 1 from instances i where i.id = "messages"."instance_id" and i.enabled)`,
        ),
      )
      .orderBy(asc(messages.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    return (
      db
        .update(messages)
        .set({ status: "sending", attempts: sql`${messages.attempts} + 1`, sendStartedAt: sql`now()` })
        .where(inArray(messages.id, due))
        .returning({
          id: messages.id,
          instanceId: messages.instanceId,
          chatId: messages.chatId,
          text: messages.text,
          media: messages.media,
          quotedIdMessage: messages.quotedIdMessage,
          sendStartedAt: messages.sendStartedAt,
        })
        // RETURNING follows the table's physical order, not the id: sends go out oldest first.
        .then((rows) => rows.sort((a, b) => a.id - b.id))
    );
  }

  async function markAccepted(row: Claimed, idMessage: string, status: Progress = "accepted") {
    const { twins, other, reached } = await recordAccepted(db, row, idMessage, status);
    for (const twin of twins) {
      bus.publish({
        name: EVENTS.messageUpdated,
        instanceId: row.instanceId,
        data: { messageId: twin, chatId: row.chatId, change: "merged", mergedInto: row.id },
      });
    }
    if (other !== null)
      bus.publish({
        name: EVENTS.messageCreated,
        instanceId: row.instanceId,
        data: { messageId: other, chatId: row.chatId },
      });
    announce(row, reached);
  }

  async function requeue(row: Claimed, delayMs: number, reason: string | null = null) {
    await db
      .update(messages)
      .set({ status: "queued", nextAttemptAt: new Date(Date.now() + delayMs), failReason: reason })
      .where(and(eq(messages.id, row.id), eq(messages.status, "sending")));
  }

  async function fail(row: Claimed, reason: string) {
    // Not a send whose webhook echo already showed it went out (echoes.ts).
    const [failed] = await db
      .update(messages)
      .set({ status: "failed", failReason: reason.slice(0, 500) })
      .where(and(eq(messages.id, row.id), eq(messages.status, "sending")))
      .returning({ id: messages.id });
    if (failed) announce(row, "failed");
  }

  async function send(row: Claimed, waChatId: string, instance: InstanceCredentials | undefined) {
    inFlight.add(row.id);
    try {
      if (!instance) return await fail(row, "the WhatsApp number was removed");
      const quoted = row.quotedIdMessage ? { quotedMessageId: row.quotedIdMessage } : {};
      let result: { idMessage: string };
      if (row.media?.sha256) {
        const file = row.media;
        if ((row.text ?? "").length > MAX_CAPTION)
          return await fail(row, `a caption can have at most ${MAX_CAPTION} characters`);
        const blob = await opts.readFile(file.sha256!);
        if (!blob) return await fail(row, "the file is no longer stored");
        const fileName = file.fileName ?? "file";
        const caption = row.text ? { caption: row.text } : {};
        result = await gateway.call(
          instance,
          "sendFileByUpload",
          "reply",
          (client) => client.sendFileByUpload({ chatId: waChatId, file: blob, fileName, ...caption, ...quoted }),
          { maxAttempts: 1 },
        );
      } else {
        if (!row.text) return await fail(row, "nothing to send");
        result = await gateway.call(
          instance,
          "sendMessage",
          "reply",
          (client) => client.sendMessage({ chatId: waChatId, message: row.text!, ...quoted }),
          { maxAttempts: 1 },
        );
      }
      await markAccepted(row, result.idMessage);
    } catch (err) {
      if (err instanceof RateLimiterStoppedError) return await requeue(row, 0);
      if (err instanceof GreenApiError && err.kind === "rateLimited") return await requeue(row, 1000);
      if (err instanceof GreenApiError && !err.retryable && err.kind !== "invalidResponse")
        return await fail(row, err.reason);
      // No clear answer: Green-API may or may not have queued it. The reconciler decides from the journal.
      log.warn(
        { messageId: row.id, err: err instanceof GreenApiError ? err.message : String(err) },
        "send outcome unknown; will reconcile",
      );
      await db
        .update(messages)
        .set({ failReason: "no answer from Green-API yet; checking" })
        .where(and(eq(messages.id, row.id), eq(messages.status, "sending")));
    } finally {
      inFlight.delete(row.id);
      kick();
    }
  }

  async function sendLoop() {
    while (running) {
      const room = window - inFlight.size;
      const claimed =
        room > 0
          ? await claim(room).catch((err): Claimed[] => {
              log.error({ err }, "outbox claim failed");
              return [];
            })
          : [];
      if (claimed.length > 0) {
        const chatRows = await db
          .select({ id: chats.id, waChatId: chats.waChatId })
          .from(chats)
          .where(inArray(chats.id, [...new Set(claimed.map((r) => r.chatId))]));
        const waIds = new Map(chatRows.map((c) => [c.id, c.waChatId]));
        // Loaded before any send of the batch starts: over a connection pool a later batch must not overtake this one.
        const ids = [...new Set(claimed.map((r) => r.instanceId))];
        const loaded = new Map(await Promise.all(ids.map(async (id) => [id, await opts.loadInstance(id)] as const)));
        for (const row of claimed) void send(row, waIds.get(row.chatId)!, loaded.get(row.instanceId));
        continue;
      }
      await sleep(1000);
    }
  }

  /** Looks up sends whose outcome is unknown in Green-API's journal of outgoing messages. */
  async function reconcile(): Promise<void> {
    const candidates = await db
      .select({
        id: messages.id,
        instanceId: messages.instanceId,
        chatId: messages.chatId,
        text: messages.text,
        media: messages.media,
        quotedIdMessage: messages.quotedIdMessage,
        sendStartedAt: messages.sendStartedAt,
        waChatId: chats.waChatId,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(and(eq(messages.status, "sending"), inFlight.size ? notInArray(messages.id, [...inFlight]) : undefined))
      .orderBy(asc(messages.id))
      .limit(500);
    const byInstance = Map.groupBy(candidates, (c) => c.instanceId);
    for (const [instanceId, rows] of byInstance) {
      const instance = await opts.loadInstance(instanceId);
      if (!instance) {
        for (const row of rows) await fail(row, "the WhatsApp number was removed");
        continue;
      }
      const oldest = Math.min(...rows.map((r) => r.sendStartedAt?.getTime() ?? Date.now()));
      const minutes = Math.ceil((Date.now() - oldest) / 60_000) + 2;
      let journal: JournalMessage[];
      try {
        journal = await gateway.call(instance, "lastOutgoingMessages", "normal", (c) =>
          c.lastOutgoingMessages(minutes),
        );
      } catch (err) {
        log.warn({ instanceId, err: String(err) }, "reconcile: journal unavailable");
        continue;
      }
      const known = new Set(
        (
          await db
            .select({ idMessage: messages.idMessage })
            .from(messages)
            .where(
              and(
                eq(messages.instanceId, instanceId),
                inArray(messages.idMessage, journal.map((j) => j.idMessage).concat("-")),
              ),
            )
        ).map((r) => r.idMessage),
      );
      for (const row of rows) {
        const startedAt = row.sendStartedAt?.getTime() ?? 0;
        const match = journal.find(
          (j) =>
            j.type === "outgoing" &&
            j.sendByApi &&
            j.chatId === row.waChatId &&
            !known.has(j.idMessage) &&
            j.timestamp * 1000 >= startedAt - 60_000 &&
            sameContent(j, row),
        );
        if (match) {
          known.add(match.idMessage);
          log.info({ messageId: row.id, idMessage: match.idMessage }, "reconcile: send found in the journal");
          await markAccepted(row, match.idMessage, journalStatus(match));
        } else if (Date.now() - startedAt >= opts.reconcileAfterMs) {
          log.info({ messageId: row.id }, "reconcile: send not in the journal; sending again");
          await requeue(row, 0);
          kick();
        }
      }
    }
  }

  /** Ends the reconciler's wait between rounds (stop() does not wait out up to 5 s). */
  let endReconcileWait: (() => void) | null = null;

  async function reconcileLoop() {
    while (running) {
      await reconcile().catch((err) => log.error({ err }, "outbox reconcile failed"));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(5000, Math.max(250, opts.reconcileAfterMs / 2)));
        endReconcileWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    async enqueue(input, ctx) {
      // Outside a transaction the send is announced (and the worker woken) at once; in one, after its commit.
      const where = ctx ?? directContext(opts.db);
      const stored = await storeSend(where.db, input);
      if (stored.created)
        where.defer(() => {
          bus.publish({
            name: EVENTS.messageCreated,
            instanceId: input.instanceId,
            data: { messageId: stored.id, chatId: stored.chatId },
          });
          kick();
        });
      return stored;
    },

    start() {
      if (running) return;
      running = true;
      loops = [sendLoop(), reconcileLoop()];
    },

    kick,

    async stop() {
      running = false;
      kick();
      endReconcileWait?.();
      await Promise.all(loops);
      const deadline = Date.now() + 5000;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },

    async idle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const [row] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(messages)
          .where(inArray(messages.status, ["queued", "sending"]));
        if ((row?.n ?? 0) === 0 && inFlight.size === 0) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
  };
}
