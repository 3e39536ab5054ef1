// The persistent outbox: a send is stored first, then sent through the rate limiter exactly once, surviving crashes.
// Over 250 lines for a reason: the send loop and the reconciler share the in-flight set. Apart: storing a send
// (outbox-enqueue.ts), folding its webhook echo (echoes.ts), matching journal items (outbox-content.ts).
import { and, asc, eq, inArray, isNull, lte, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Logger } from "../lib/log.ts";
import { SEND_RETRY_DELAYS_MS, SEND_TIMEOUT_MS, sendFailure, type SendFailure } from "../lib/sending.ts";
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

/** What sending a message needs of its row (claimed for a send, or looked up in the journal by the reconciler). */
const SEND_COLUMNS = {
  id: messages.id,
  instanceId: messages.instanceId,
  chatId: messages.chatId,
  text: messages.text,
  media: messages.media,
  quotedIdMessage: messages.quotedIdMessage,
  sendStartedAt: messages.sendStartedAt,
  attempts: messages.attempts,
};

/** The stored failure of a Green-API refusal by its kind; the detailed kinds keep Green-API's own description. */
const FAILURE_OF: Partial<Record<GreenApiError["kind"], SendFailure>> = {
  badRequest: "badRequest",
  quotaExceeded: "quota",
  unauthorized: "unauthorized",
  notFound: "notFound",
};
const DETAILED = new Set<GreenApiError["kind"]>(["badRequest", "quotaExceeded"]);

export interface OutboxOptions {
  db: Db;
  gateway: Gateway;
  bus: EventBus;
  log: Logger;
  loadInstance: (id: number) => Promise<InstanceCredentials | undefined>;
  /** Reads a stored file of a file send (null when it is gone). */
  readFile: (sha256: string) => Promise<Blob | null>;
  /**
   * Sends left in doubt with no answer at all (a timeout, a dropped connection) absent from the journal this long are
   * sent again (the journal can lag); also the wait before a send in doubt after its last try is marked failed.
   */
  reconcileAfterMs: number;
  /** Delays between tries of a send Green-API did not take (tests shorten them). Default SEND_RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[];
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
  attempts: number;
};

export function createOutbox(opts: OutboxOptions): Outbox {
  const { db, gateway, bus, log } = opts;
  const window = opts.window ?? 100;
  const retryDelays = opts.retryDelaysMs ?? SEND_RETRY_DELAYS_MS;
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
        .set({
          status: "sending",
          attempts: sql`${messages.attempts} + 1`,
          sendStartedAt: sql`now()`,
          nextAttemptAt: null,
        })
        .where(inArray(messages.id, due))
        .returning(SEND_COLUMNS)
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

  /** Back in the queue; `uncounted` when the try never reached Green-API (rate limit, shutdown). */
  async function requeue(row: Claimed, delayMs: number, uncounted = false) {
    const [queued] = await db
      .update(messages)
      .set({
        status: "queued",
        nextAttemptAt: new Date(Date.now() + delayMs),
        failReason: null,
        ...(uncounted ? { attempts: sql`greatest(${messages.attempts} - 1, 0)` } : {}),
      })
      .where(and(eq(messages.id, row.id), eq(messages.status, "sending")))
      .returning({ id: messages.id });
    if (queued && !uncounted) announce(row, "queued");
  }

  async function fail(row: Claimed, code: SendFailure, detail?: string) {
    // Not a send whose webhook echo already showed it went out (echoes.ts).
    const [failed] = await db
      .update(messages)
      .set({ status: "failed", failReason: sendFailure(code, detail) })
      .where(and(eq(messages.id, row.id), eq(messages.status, "sending")))
      .returning({ id: messages.id });
    if (failed) announce(row, "failed");
  }

  async function send(row: Claimed, waChatId: string, instance: InstanceCredentials | undefined) {
    inFlight.add(row.id);
    try {
      if (!instance) return await fail(row, "instanceGone");
      const quoted = row.quotedIdMessage ? { quotedMessageId: row.quotedIdMessage } : {};
      let result: { idMessage: string };
      if (row.media?.sha256) {
        const file = row.media;
        if ((row.text ?? "").length > MAX_CAPTION) return await fail(row, "captionTooLong");
        const stored = await opts.readFile(file.sha256!);
        if (!stored) return await fail(row, "fileGone");
        // The upload's part carries the file's type (Green-API reads the kind from the name's extension).
        const blob = file.mimeType ? stored.slice(0, stored.size, file.mimeType) : stored;
        const fileName = file.fileName ?? "file";
        const caption = row.text ? { caption: row.text } : {};
        // The client's own timeout (30 s), not SEND_TIMEOUT_MS: an upload takes longer than a text.
        result = await gateway.call(
          instance,
          "sendFileByUpload",
          "reply",
          (client) => client.sendFileByUpload({ chatId: waChatId, file: blob, fileName, ...caption, ...quoted }),
          { maxAttempts: 1 },
        );
      } else {
        if (!row.text) return await fail(row, "empty");
        result = await gateway.call(
          instance,
          "sendMessage",
          "reply",
          (client) => client.sendMessage({ chatId: waChatId, message: row.text!, ...quoted }, SEND_TIMEOUT_MS),
          { maxAttempts: 1 },
        );
      }
      await markAccepted(row, result.idMessage);
    } catch (err) {
      if (err instanceof RateLimiterStoppedError) return await requeue(row, 0, true);
      if (err instanceof GreenApiError && err.kind === "rateLimited") return await requeue(row, 1000, true);
      if (err instanceof GreenApiError && !err.retryable && err.kind !== "invalidResponse")
        return await fail(row, FAILURE_OF[err.kind] ?? "badRequest", DETAILED.has(err.kind) ? err.reason : undefined);
      // No clear answer: Green-API may or may not have queued it. The reconciler looks for it in the journal and, when
      // it is absent at the next try's time, sends it again. Green-API answered 5xx: the retry schedule's short wait.
      // No answer at all (it may be in Green-API's queue, and the journal can lag): at least reconcileAfterMs.
      const answered = err instanceof GreenApiError && err.kind === "server";
      const scheduled = retryDelays[row.attempts - 1] ?? opts.reconcileAfterMs;
      const delayMs = answered ? scheduled : Math.max(scheduled, opts.reconcileAfterMs);
      log.warn(
        {
          messageId: row.id,
          attempt: row.attempts,
          delayMs,
          err: err instanceof GreenApiError ? err.message : String(err),
        },
        "send outcome unknown; will reconcile",
      );
      const [waiting] = await db
        .update(messages)
        .set({ failReason: sendFailure("greenApiDown"), nextAttemptAt: new Date(Date.now() + delayMs) })
        .where(and(eq(messages.id, row.id), eq(messages.status, "sending")))
        .returning({ id: messages.id });
      // The bubble says so ("retrying in 5 s").
      if (waiting) announce(row, "sending");
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

  /** A send in doubt whose time is up (the retry schedule's, or without one, e.g. after a crash, reconcileAfterMs). */
  const isDue = (row: { nextAttemptAt: Date | null; sendStartedAt: Date | null }) =>
    row.nextAttemptAt
      ? row.nextAttemptAt.getTime() <= Date.now()
      : Date.now() - (row.sendStartedAt?.getTime() ?? 0) >= opts.reconcileAfterMs;

  /**
   * A send in doubt is due but the journal cannot be read: it is never sent again blind (exactly once). The wait uses
   * up a round of the retry schedule; after the last round it ends as `unknown` (a person checks the phone).
   */
  async function unconfirmed(row: Claimed) {
    const last = row.attempts > retryDelays.length;
    const delayMs = retryDelays[row.attempts] ?? opts.reconcileAfterMs;
    const [changed] = await db
      .update(messages)
      .set(
        last
          ? { status: "unknown", failReason: sendFailure("unconfirmed"), nextAttemptAt: null }
          : {
              failReason: sendFailure("unconfirmed"),
              attempts: sql`${messages.attempts} + 1`,
              nextAttemptAt: new Date(Date.now() + delayMs),
            },
      )
      .where(and(eq(messages.id, row.id), eq(messages.status, "sending"), eq(messages.attempts, row.attempts)))
      .returning({ id: messages.id });
    if (!changed) return;
    log.warn({ messageId: row.id, attempt: row.attempts, last }, "reconcile: journal unreadable; not sent again");
    announce(row, last ? "unknown" : "sending");
  }

  /** Looks up sends whose outcome is unknown in Green-API's journal of outgoing messages. */
  async function reconcile(): Promise<void> {
    const candidates = await db
      .select({
        ...SEND_COLUMNS,
        nextAttemptAt: messages.nextAttemptAt,
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
        for (const row of rows) await fail(row, "instanceGone");
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
        for (const row of rows) if (isDue(row)) await unconfirmed(row);
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
        } else if (isDue(row)) {
          if (row.attempts > retryDelays.length) {
            log.warn({ messageId: row.id, attempts: row.attempts }, "reconcile: send not in the journal; giving up");
            await fail(row, "greenApiDown");
            continue;
          }
          log.info({ messageId: row.id }, "reconcile: send not in the journal; sending again");
          await requeue(row, 0);
          kick();
        }
      }
    }
  }

  /** Ends the reconciler's wait between rounds (stop() does not wait out up to 2 s). */
  let endReconcileWait: (() => void) | null = null;

  async function reconcileLoop() {
    while (running) {
      await reconcile().catch((err) => log.error({ err }, "outbox reconcile failed"));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(2000, Math.max(250, opts.reconcileAfterMs / 2)));
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
