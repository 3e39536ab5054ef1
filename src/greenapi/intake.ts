// Intake: every notification (webhook or polling) is repaired, stored once in the journal, then handed to handlers in
// order; what cannot be read, or fails processing MAX_ATTEMPTS times, is kept in quarantine (quarantine.ts).
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sqlState } from "../db/errors.ts";
import { idList, jsonRows, queryRows } from "../db/rows.ts";
import { notifications } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { hashSecret } from "../auth/tokens.ts";
import { parseNotification, type NotificationEvent } from "./notifications.ts";
import { metrics } from "../metrics/index.ts";
import { FOREIGN_REASON, MAX_ATTEMPTS, readNotification, typeLabel } from "./quarantine.ts";

/**
 * Where a handler does its work. For a handler registered with `{ batch: true }` the intake may run several
 * notifications of one instance in ONE transaction (`db` is then that transaction, `tx` is true) together with their
 * `processed_at`: such a handler writes only through `ctx.db` (on PGlite another connection would wait for the
 * transaction forever) and puts everything with effects outside the database (events, wake-ups) into `ctx.defer`,
 * which runs after the commit — a rolled-back batch is re-processed, so nothing it announced may have escaped.
 */
export interface HandlerContext {
  db: Db;
  /** True inside the intake's batch transaction (no need for a transaction of one's own). */
  tx: boolean;
  /** Runs after the notification's work is committed (at once outside a batch). */
  defer(effect: () => unknown): void;
}

/** `body` is the notification exactly as received (the parsed event drops fields its schema does not know). */
export type NotificationHandler = (
  instanceId: number,
  event: NotificationEvent,
  body: unknown,
  ctx: HandlerContext,
) => Promise<void>;

/** One notification handed to a batch handler. */
export interface BatchItem {
  event: NotificationEvent;
  body: unknown;
}

/**
 * Handles a run of consecutive notifications of one instance, in arrival order, in one call (set-based SQL instead of
 * statements per notification). Always runs under HandlerContext's batch rules.
 */
export type BatchHandler = (instanceId: number, items: BatchItem[], ctx: HandlerContext) => Promise<void>;

/**
 * `quarantined`: stored, but it could not be read (kept with the reason for admins). `ok:false` only for a webhook body
 * naming another instance (nothing is stored).
 */
export type AcceptResult =
  | { ok: true; duplicate: boolean; id: number | null; quarantined: boolean }
  | { ok: false; reason: string };

/** A quarantined row to process again (replay.ts), read by the caller with the current code. */
export interface ReprocessItem {
  id: number;
  instanceId: number;
  body: unknown;
  event: NotificationEvent;
}

/** The key under which re-deliveries of one notification collapse into one journal row. */
export function dedupeKey(event: NotificationEvent, body: unknown): string {
  switch (event.typeWebhook) {
    case "incomingMessageReceived":
    case "outgoingMessageReceived":
    case "outgoingAPIMessageReceived":
      return `${event.typeWebhook}:${event.senderData.chatId}:${event.idMessage}`;
    case "outgoingMessageStatus":
      return `status:${event.chatId ?? ""}:${event.idMessage}:${event.status}`;
    case "stateInstanceChanged":
      return `state:${event.timestamp}:${event.stateInstance}`;
    case "incomingCall":
    case "outgoingCall":
      return `${event.typeWebhook}:${event.idMessage}:${event.status}`;
    default:
      return `${event.typeWebhook === "unknown" ? event.originalTypeWebhook : event.typeWebhook}:${hashSecret(JSON.stringify(body))}`;
  }
}

export interface Intake {
  /**
   * Repairs and journals one notification for an instance (one that cannot be read is journaled in quarantine);
   * handlers run afterwards, in arrival order per instance.
   */
  accept(instanceId: number, idInstance: number, body: unknown, via: "webhook" | "polling"): Promise<AcceptResult>;
  /**
   * Registers a handler for one typeWebhook ("unknown" for types this version does not know, "*" for all). `batch`: the
   * handler keeps to HandlerContext's rules, so notifications whose handlers all do may be processed in batches.
   */
  on(type: NotificationEvent["typeWebhook"] | "*", handler: NotificationHandler, opts?: { batch?: boolean }): void;
  /**
   * Registers a handler for runs of notifications of the given types (handlers run in registration order, each over the
   * whole run: a later one sees what an earlier one stored).
   */
  onBatch(types: Array<NotificationEvent["typeWebhook"]>, handler: BatchHandler): void;
  /** Processes journal rows left unprocessed (after a crash or a handler failure). */
  drain(): Promise<number>;
  /**
   * Queues unprocessed journal rows without waiting for them (the leader, woken by another process's webhook): only
   * rows newer than any seen here unless `all`. Calls during a pull collapse into one more pull.
   */
  pull(all?: boolean): Promise<number>;
  /** Resolves when every accepted notification so far has been processed. */
  idle(): Promise<void>;
  /**
   * Processes quarantined rows again here, in their instance's order; resolves when each is processed (and so out of
   * quarantine) or has failed again (still quarantined, with the new reason in `error`).
   */
  reprocess(items: ReprocessItem[]): Promise<void>;
}

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
/** A notification whose processing failed is tried again after this long, doubling up to RETRY_MAX_MS (MAX_ATTEMPTS in all). */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 5 * 60_000;
/** At most this many notifications of one instance per transaction (one commit instead of several per message). */
const BATCH = 250;
/** At most this many accepted notifications per journal INSERT (one commit for all that arrived during the last one). */
const JOURNAL_BATCH = 500;

type Row = { id: number; instanceId: number; body: unknown };
type JournalRow = {
  instanceId: number;
  dedupeKey: string;
  typeWebhook: string;
  body: unknown;
  via: "webhook" | "polling";
  /** Stored in quarantine (`error` says why). */
  quarantined: boolean;
  error: string | null;
  original: string | null;
};
type Waiting = { row: JournalRow; done: (id: number | null) => void; failed: (err: unknown) => void };

export function createIntake(db: Db, log: Logger, opts: IntakeOptions = {}): Intake {
  const handlers = new Map<string, NotificationHandler[]>();
  const chains = new Map<number, Promise<void>>();
  const pending = new Set<number>();
  const recent = new Set<number>();
  // The same ids oldest first, in a ring: the oldest is forgotten by key (taking it from the Set's front gets slower
  // with every deletion there, as the deleted slots pile up in front of the live ones).
  const recentRing: number[] = [];
  let recentAt = 0;
  const retryAt = new Map<number, { at: number; delay: number }>();
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

  // The journal is written in groups: the first accepted notification is inserted at once, the ones accepted while that
  // INSERT is in flight wait for the next, which takes them all (one commit for many webhooks; each is answered only
  // after its row is committed).
  let waiting: Waiting[] = [];
  let writing = false;

  async function writeJournal(): Promise<void> {
    writing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, JOURNAL_BATCH);
        waiting = waiting.slice(group.length);
        try {
          await insertJournal(group);
        } catch (err) {
          if (group.length === 1 || !rowError(err)) {
            // The database is unreachable (or the row alone is bad): every webhook of the group gets an error and
            // Green-API delivers it again.
            for (const one of group) one.failed(err);
            continue;
          }
          // One bad row (e.g. its instance was just deleted) must not fail the others: each on its own.
          for (const one of group) await insertJournal([one]).catch(one.failed);
        }
      }
    } finally {
      writing = false;
    }
  }

  /** One statement: the rows (re-deliveries skipped) and "heard from" on their instances (to the second). */
  async function insertJournal(group: Waiting[]): Promise<void> {
    const first = new Map<string, Waiting>();
    const twins: Waiting[] = [];
    for (const w of group) {
      const key = `${w.row.instanceId}:${w.row.dedupeKey}`;
      if (first.has(key)) twins.push(w);
      else first.set(key, w);
    }
    const rows = [...first.values()].map(({ row }) => ({
      instance_id: row.instanceId,
      dedupe_key: row.dedupeKey,
      type_webhook: row.typeWebhook,
      body: row.body,
      via: row.via,
      quarantined: row.quarantined,
      error: row.error,
      original: row.original,
    }));
    const ids = [...new Set(rows.map((r) => r.instance_id))];
    const inserted = await queryRows<{ id: string | number; instance_id: number; dedupe_key: string }>(
      db,
      sql`
      with touch as (
        update instances set last_notification_at = now(), intake_error = null, updated_at = now()
        where id in ${idList(ids)}
          -- To the second: under load the row is not rewritten for every group (an error is cleared at once).
          and (last_notification_at is null or last_notification_at < now() - interval '1 second' or intake_error is not null))
      insert into notifications (instance_id, dedupe_key, type_webhook, body, via, quarantined_at, error, original)
      -- A body that is JSON null comes out of the recordset as SQL NULL: stored as the JSON value again.
      select x.instance_id, x.dedupe_key, x.type_webhook, coalesce(x.body, 'null'::jsonb), x.via,
        case when x.quarantined then now() end, x.error, x.original
      from jsonb_to_recordset(${jsonRows(rows)})
        as x(instance_id int, dedupe_key text, type_webhook text, body jsonb, via text, quarantined boolean, error text, original text)
      on conflict do nothing
      returning id, instance_id, dedupe_key`,
    );
    const idOf = new Map(inserted.map((r) => [`${r.instance_id}:${r.dedupe_key}`, Number(r.id)]));
    for (const [key, w] of first) w.done(idOf.get(key) ?? null);
    // Answered as re-deliveries only once the first of them is stored.
    for (const w of twins) w.done(null);
  }

  /** Whether a failed INSERT was refused for its data (a constraint, a bad value), not for want of a database. */
  function rowError(err: unknown): boolean {
    const code = sqlState(err);
    // SQLSTATE class 22: data exception (e.g. a \u0000 in JSON); 23: integrity constraint violation.
    return code !== undefined && (code.startsWith("22") || code.startsWith("23"));
  }

  function journal(row: JournalRow): Promise<number | null> {
    return new Promise((done, failed) => {
      waiting.push({ row, done, failed });
      if (!writing) void writeJournal();
    });
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
    const effects: Array<() => unknown> = [];
    await db.transaction(async (tx) => {
      // The journal rows are durable already (their INSERT committed before the webhook was answered): losing this
      // commit in a crash only means processing them again (idempotent), so it need not wait for its WAL flush.
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
      const ctx: HandlerContext = { db: tx as unknown as Db, tx: true, defer: (effect) => void effects.push(effect) };
      // Consecutive rows for batch handlers only go together; the others one by one, in between, in order.
      for (let i = 0; i < rows.length; ) {
        let j = i;
        while (j < rows.length && runnable(rows[j]!)) j++;
        if (j > i) await runBatchHandlers(rows[i]!.instanceId, rows.slice(i, j), ctx);
        else await runHandlers(rows[j++]!, ctx);
        i = j;
      }
      await head;
    });
    await runEffects(effects);
  }

  /**
   * Whether the row is settled: processed, or quarantined after its last attempt (false: kept for a retry). Never
   * throws, even with the database gone.
   */
  async function process(row: Row, together: boolean): Promise<boolean> {
    try {
      if (together) {
        await processTogether([row]);
      } else {
        // Handlers not made for batches: each writes (and announces) on its own, as it goes.
        const ctx: HandlerContext = { db, tx: false, defer: (effect) => void runEffects([effect]) };
        await runHandlers(row, ctx);
        await db
          .update(notifications)
          .set({ processedAt: new Date(), error: null, quarantinedAt: null })
          .where(eq(notifications.id, row.id));
      }
      return true;
    } catch (err) {
      return recordFailure(row, err);
    }
  }

  /**
   * Counts a failed attempt (not when the database itself was away: that is no fault of the notification's) and
   * quarantines the row at the last one; a row already quarantined (being reprocessed) stays so. Whether it is settled.
   */
  async function recordFailure(row: Row, err: unknown): Promise<boolean> {
    const counted = !transient(err);
    const reason = String((err as Error)?.message ?? err).slice(0, 500);
    try {
      const [after] = await db
        .update(notifications)
        .set({
          error: reason,
          ...(counted && {
            attempts: sql`${notifications.attempts} + 1`,
            quarantinedAt: sql`coalesce(${notifications.quarantinedAt}, case when ${notifications.attempts} + 1 >= ${MAX_ATTEMPTS} then now() end)`,
          }),
        })
        .where(eq(notifications.id, row.id))
        .returning({ attempts: notifications.attempts, quarantinedAt: notifications.quarantinedAt });
      if (after?.quarantinedAt) {
        if (after.attempts === MAX_ATTEMPTS) metrics.notificationsQuarantined.inc({ reason: "failed" });
        log.warn(
          { err, notificationId: row.id, instanceId: row.instanceId, attempts: after.attempts },
          "notification handler failed; quarantined",
        );
        return true;
      }
      log.error(
        { err, notificationId: row.id, instanceId: row.instanceId, attempts: after?.attempts },
        "notification handler failed; kept for retry",
      );
    } catch (e) {
      log.error(
        { err, recordErr: String(e), notificationId: row.id, instanceId: row.instanceId },
        "notification handler failed; kept for retry (the failure could not be recorded)",
      );
    }
    return false;
  }

  /** A failure of the database's availability (connection, restart, deadlock, resources), not of the notification. */
  function transient(err: unknown): boolean {
    const code = sqlState(err);
    // SQLSTATE classes 08 connection, 40 rollback (deadlock, serialization), 53 resources, 57 operator intervention,
    // 58 system; postgres.js's CONNECTION_* / CONNECT_TIMEOUT and the socket's E* codes.
    return code !== undefined && /^(08|40|53|57|58|CONNECT|E[A-Z]+$)/.test(code);
  }

  function settle(row: Row, done: boolean): void {
    if (done) {
      retryAt.delete(row.id);
      const oldest = recentRing[recentAt];
      if (oldest !== undefined) recent.delete(oldest);
      recentRing[recentAt] = row.id;
      recentAt = (recentAt + 1) % RECENT;
      recent.add(row.id);
    } else {
      // Failed (a handler, or the database is gone): the leader's sweep retries it, backing off.
      const delay = Math.min(RETRY_MAX_MS, (retryAt.get(row.id)?.delay ?? RETRY_FIRST_MS / 2) * 2);
      retryAt.set(row.id, { at: Date.now() + delay, delay });
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
        for (const row of rows) settle(row, await process(row, together));
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
      retryAt.delete(row.id);
    }
    if (pending.has(row.id) || recent.has(row.id) || (retryAt.get(row.id)?.at ?? 0) > Date.now()) return false;
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
      recentRing.length = 0;
      recentAt = 0;
      retryAt.clear();
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
