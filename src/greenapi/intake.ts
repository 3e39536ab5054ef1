// Intake: every notification (webhook or polling) is repaired, stored once in the journal, then handed to handlers in
// order; what cannot be read, or fails processing MAX_ATTEMPTS times, is kept in quarantine (quarantine.ts).
// Over 250 lines for a reason: the per-instance workers, batching, retries and pulls share one queue state. The rest is
// apart: the handler contract (intake-contract.ts), the grouped journal INSERT (intake-writer.ts), failure counting
// and backoff (intake-failures.ts), the ring of recently processed ids (recent-ids.ts).
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { idList } from "../db/rows.ts";
import { notifications } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { hashSecret } from "../auth/tokens.ts";
import { parseNotification, type NotificationEvent } from "./notifications.ts";
import { metrics } from "../metrics/index.ts";
import {
  dedupeKey,
  runInTransaction,
  type BatchHandler,
  type HandlerContext,
  type Intake,
  type NotificationHandler,
} from "./intake-contract.ts";
import { createRetryBackoff, recordFailure } from "./intake-failures.ts";
import { createJournalWriter } from "./intake-writer.ts";
import { FOREIGN_REASON, readNotification, typeLabel } from "./quarantine.ts";
import { createRecentIds } from "./recent-ids.ts";

export { runInTransaction, type HandlerContext, type Intake, type ReprocessItem } from "./intake-contract.ts";

export interface IntakeOptions {
  /** False in a follower process: notifications are only journaled there, and the leader processes them. */
  processHere?: () => boolean;
  /** Called after a follower journaled a notification (wakes the leader). */
  onJournaled?: () => void;
}

/** Ids processed lately: a journal read racing a just-finished row must not process it twice. */
const RECENT = 10_000;
/** A pull of new rows also looks this many ids back: rows committed out of id order by other processes. */
const LOOK_BACK = 200;
/** At most this many notifications of one instance per transaction (one commit instead of several per message). */
const BATCH = 250;

type Row = { id: number; instanceId: number; body: unknown };

export function createIntake(db: Db, log: Logger, opts: IntakeOptions = {}): Intake {
  const handlers = new Map<string, NotificationHandler[]>();
  const chains = new Map<number, Promise<void>>();
  const pending = new Set<number>();
  const recent = createRecentIds(RECENT);
  const retries = createRetryBackoff();
  const { journal } = createJournalWriter(db);
  /** Reprocessed rows whose caller waits for them to settle. */
  const settled = new Map<number, () => void>();
  let highest = 0;
  let pulling: Promise<number> | null = null;
  let again: { all: boolean } | null = null;

  const batchSafe = new WeakSet<NotificationHandler>();
  const batchHandlers: Array<{ types: Set<string>; handler: BatchHandler }> = [];
  const queues = new Map<number, Row[]>();

  function handlersOf(event: NotificationEvent): NotificationHandler[] {
    return [...(handlers.get(event.typeWebhook) ?? []), ...(handlers.get("*") ?? [])];
  }

  /** Whether the row's type is handled by batch handlers alone (it may then join a run). */
  function runnable(row: Row): boolean {
    const parsed = parse(row);
    return (
      parsed.ok &&
      handlersOf(parsed.event).length === 0 &&
      batchHandlers.some((b) => b.types.has(parsed.event.typeWebhook))
    );
  }

  /** The batch handlers over a run of rows (each handler gets the rows of its types, in order). */
  async function runBatchHandlers(instanceId: number, rows: Row[], ctx: HandlerContext): Promise<void> {
    const items = rows.map((row) => {
      const parsed = parse(row);
      if (!parsed.ok) throw new Error(parsed.reason);
      return { event: parsed.event, body: row.body };
    });
    for (const { types, handler } of batchHandlers) {
      const mine = items.filter((item) => types.has(item.event.typeWebhook));
      if (mine.length > 0) await handler(instanceId, mine, ctx);
    }
  }

  const parsedRows = new WeakMap<Row, ReturnType<typeof parseNotification>>();
  function parse(row: Row): ReturnType<typeof parseNotification> {
    let parsed = parsedRows.get(row);
    if (!parsed) parsedRows.set(row, (parsed = parseNotification(row.body)));
    return parsed;
  }

  /** Whether every handler of the row may run inside a batch transaction (unparseable rows go alone). */
  function batchable(row: Row): boolean {
    const parsed = parse(row);
    return parsed.ok && handlersOf(parsed.event).every((h) => batchSafe.has(h));
  }

  async function runHandlers(row: Row, ctx: HandlerContext): Promise<void> {
    const parsed = parse(row);
    if (!parsed.ok) throw new Error(parsed.reason);
    const event = parsed.event;
    if (event.typeWebhook === "unknown")
      log.warn(
        { instanceId: row.instanceId, typeWebhook: event.originalTypeWebhook },
        "unknown notification type stored",
      );
    await runBatchHandlers(row.instanceId, [row], ctx);
    for (const handler of handlersOf(event)) await handler(row.instanceId, event, row.body, ctx);
  }

  async function runEffects(effects: Array<() => unknown>): Promise<void> {
    for (const effect of effects) {
      try {
        await effect();
      } catch (err) {
        log.error({ err }, "effect after a processed notification failed");
      }
    }
  }

  /**
   * Processes rows in one transaction with their processed_at (all or nothing: a crash or a failure leaves every row
   * unprocessed, and processing is idempotent); their deferred effects run after the commit. Throws on failure.
   */
  async function processTogether(rows: Row[]): Promise<void> {
    await runInTransaction(
      db,
      async (ctx) => {
        const tx = ctx.db;
        // The journal rows are durable already (their INSERT committed before the webhook was answered): losing this
        // commit in a crash only means processing them again (idempotent), so it need not wait for its WAL flush.
        // Hand-written, both: `set local` has no builder form; the batch's processed_at in one fixed statement (ids as
        // one jsonb parameter; bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s).
        // Both statements go out with the handlers' first one (not waited for: a round trip fewer each); a failure of
        // theirs surfaces below, before the commit, and a handler's failure rolls them back.
        const head = Promise.all([
          tx.execute(sql`set local synchronous_commit = off`),
          tx.execute(sql`
          update notifications set processed_at = now(), error = null, quarantined_at = null
          where id in ${idList(
            rows.map((r) => r.id),
            "bigint",
          )}`),
        ]);
        head.catch(() => {});
        // Consecutive rows for batch handlers only go together; the others one by one, in between, in order.
        for (let i = 0; i < rows.length; ) {
          let j = i;
          while (j < rows.length && runnable(rows[j]!)) j++;
          if (j > i) await runBatchHandlers(rows[i]!.instanceId, rows.slice(i, j), ctx);
          else await runHandlers(rows[j++]!, ctx);
          i = j;
        }
        await head;
      },
      (err) => log.error({ err }, "effect after a processed notification failed"),
    );
  }

  /**
   * Whether the row is settled: processed, or quarantined after its last attempt (false: kept for a retry). Never
   * throws, even with the database gone.
   */
  async function handleRow(row: Row, together: boolean): Promise<boolean> {
    try {
      if (together) {
        await processTogether([row]);
      } else {
        // Handlers not made for batches: each writes (and announces) on its own, as it goes.
        const ctx: HandlerContext = { db, inTransaction: false, defer: (effect) => void runEffects([effect]) };
        await runHandlers(row, ctx);
        await db
          .update(notifications)
          .set({ processedAt: new Date(), error: null, quarantinedAt: null })
          .where(eq(notifications.id, row.id));
      }
      return true;
    } catch (err) {
      return recordFailure(db, log, row, err);
    }
  }

  function settle(row: Row, done: boolean): void {
    if (done) {
      retries.forget(row.id);
      recent.add(row.id);
    } else {
      // Failed (a handler, or the database is gone): the leader's sweep retries it, backing off.
      retries.failed(row.id);
    }
    pending.delete(row.id);
    settled.get(row.id)?.();
    settled.delete(row.id);
  }

  /** The next rows to process: the first row alone, or the longest run (up to BATCH) of batchable rows from the head. */
  function take(queue: Row[]): { rows: Row[]; together: boolean } {
    let n = 0;
    while (n < queue.length && n < BATCH && batchable(queue[n]!)) n++;
    return n === 0 ? { rows: queue.splice(0, 1), together: false } : { rows: queue.splice(0, n), together: true };
  }

  /** Works through one instance's queue, in order; the worker ends (and forgets itself) when the queue is empty. */
  function startWorker(instanceId: number): void {
    let run: Promise<void> | undefined;
    run = (async () => {
      // Rows queued in the same tick (a pull's backlog) join the first batch.
      await null;
      for (;;) {
        const queue = queues.get(instanceId);
        if (!queue?.length) {
          // Synchronously with the check above: a row queued from now on starts a new worker.
          queues.delete(instanceId);
          if (chains.get(instanceId) === run) chains.delete(instanceId);
          return;
        }
        const { rows, together } = take(queue);
        if (together && rows.length > 1) {
          try {
            await processTogether(rows);
            for (const row of rows) settle(row, true);
            continue;
          } catch (err) {
            // One bad row must not hold up the others: the batch again, one row (one transaction) at a time.
            log.warn(
              { err, instanceId, rows: rows.length },
              "notification batch failed; processing its rows one by one",
            );
          }
        }
        for (const row of rows) settle(row, await handleRow(row, together));
      }
    })();
    chains.set(instanceId, run);
  }

  /**
   * Queues a row unless it is queued already, done lately or waiting for its retry (false then). `fresh`: the row was
   * just inserted or taken out of quarantine, so it is new whatever this process saw before under that id.
   */
  function enqueue(row: Row, fresh = false): boolean {
    if (fresh) {
      recent.delete(row.id);
      retries.forget(row.id);
    }
    if (pending.has(row.id) || recent.has(row.id) || retries.waiting(row.id)) return false;
    pending.add(row.id);
    highest = Math.max(highest, row.id);
    const queue = queues.get(row.instanceId);
    if (queue) queue.push(row);
    else queues.set(row.instanceId, [row]);
    if (!chains.has(row.instanceId)) startWorker(row.instanceId);
    return true;
  }

  return {
    async accept(instanceId, idInstance, received, via) {
      const reading = readNotification(received, new Date(), idInstance);
      // A webhook sender is told (it may be set up for the wrong number); a polled body is this instance's own queue's.
      if (reading.foreign && via === "webhook") return { ok: false, reason: FOREIGN_REASON };
      const { body, original } = reading;
      const typeWebhook = typeLabel(reading);
      if (!reading.ok) {
        // Kept as received (repaired only as far as storing needs) with the reason; the hash of what was received keys
        // its re-deliveries (a replaced timestamp differs each time).
        const key = `invalid:${hashSecret(String(JSON.stringify(received)))}`;
        const id = await journal({
          instanceId,
          dedupeKey: key,
          typeWebhook,
          body,
          via,
          quarantined: true,
          error: reading.reason.slice(0, 500),
          original,
        });
        if (id !== null) {
          metrics.notificationsQuarantined.inc({ reason: "invalid" });
          log.warn(
            { notificationId: id, instanceId, via, reason: reading.reason },
            "notification could not be read; quarantined",
          );
        }
        return { ok: true, duplicate: id === null, id, quarantined: true };
      }
      const event = reading.event;
      const id = await journal({
        instanceId,
        dedupeKey: dedupeKey(event, body).slice(0, 300),
        typeWebhook,
        body,
        via,
        quarantined: false,
        error: null,
        original,
      });
      if (id === null) return { ok: true, duplicate: true, id: null, quarantined: false };
      if (reading.changes.length > 0)
        log.info({ notificationId: id, instanceId, changes: reading.changes }, "notification repaired before storing");
      metrics.notifications.inc({ type: event.typeWebhook, via }); // known types only: label values stay few
      if (opts.processHere && !opts.processHere()) opts.onJournaled?.();
      else {
        // Parsed once: the handlers get the event validated here.
        const row = { id, instanceId, body };
        parsedRows.set(row, { ok: true, event });
        enqueue(row, true);
      }
      return { ok: true, duplicate: false, id, quarantined: false };
    },

    on(type, handler, o = {}) {
      if (o.batch) batchSafe.add(handler);
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
    },

    onBatch(types, handler) {
      batchHandlers.push({ types: new Set(types), handler });
    },

    async drain() {
      // Everything unprocessed, failed rows included, now (start-up, or recovery asked for explicitly).
      recent.clear();
      retries.clear();
      highest = 0;
      const count = await this.pull(true);
      await this.idle();
      return count;
    },

    async pull(all = false) {
      const once = async (everything: boolean) => {
        const rows = await db
          .select({ id: notifications.id, instanceId: notifications.instanceId, body: notifications.body })
          .from(notifications)
          .where(
            and(
              isNull(notifications.processedAt),
              isNull(notifications.quarantinedAt),
              everything ? undefined : gt(notifications.id, highest - LOOK_BACK),
            ),
          )
          .orderBy(asc(notifications.id))
          .limit(1000);
        for (const row of rows) enqueue(row);
        return rows.length;
      };
      if (pulling) {
        again = { all: all || (again?.all ?? false) };
        return pulling;
      }
      pulling = (async () => {
        let count = await once(all);
        while (again) {
          const next = again;
          again = null;
          count += await once(next.all);
        }
        return count;
      })().finally(() => (pulling = null));
      return pulling;
    },

    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },

    async reprocess(items) {
      await Promise.all(
        items.map(
          (item) =>
            new Promise<void>((done) => {
              const row: Row = { id: item.id, instanceId: item.instanceId, body: item.body };
              parsedRows.set(row, { ok: true, event: item.event });
              // Already queued here (a second replay at the same time): that run settles it.
              if (enqueue(row, true)) settled.set(row.id, done);
              else done();
            }),
        ),
      );
    },
  };
}
