// The intake's contract with its handlers and callers: the handler context (one transaction, effects after its
// commit), handler types, the Intake interface, and the dedupe key of re-deliveries.
import type { Db } from "../db/client.ts";
import { hashSecret } from "../auth/tokens.ts";
import type { NotificationEvent } from "./notifications.ts";

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
  inTransaction: boolean;
  /** Runs after the notification's work is committed (at once outside a batch). */
  defer(effect: () => unknown): void;
}

/**
 * Runs `work` in a transaction of its own under the batch rules (writes through `ctx.db`, effects put off with
 * `ctx.defer`); the effects run after the commit, and not at all when it rolls back. The intake's batches use it, and
 * so does work outside the intake (history import) that must keep the same contract.
 */
export async function runInTransaction<T>(
  db: Db,
  work: (ctx: HandlerContext) => Promise<T>,
  onEffectError: (err: unknown) => void = () => {},
): Promise<T> {
  const effects: Array<() => unknown> = [];
  const result = await db.transaction((tx) =>
    work({ db: tx as unknown as Db, inTransaction: true, defer: (effect) => void effects.push(effect) }),
  );
  for (const effect of effects) {
    try {
      await effect();
    } catch (err) {
      onEffectError(err);
    }
  }
  return result;
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
