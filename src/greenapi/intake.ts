// Intake: every notification (webhook or polling) is validated, stored once in the journal, then handed to handlers in order.
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances, notifications } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { hashSecret } from "../auth/tokens.ts";
import { parseNotification, type NotificationEvent } from "./notifications.ts";
import { metrics } from "../metrics/index.ts";

/** `body` is the notification exactly as received (the parsed event drops fields its schema does not know). */
export type NotificationHandler = (instanceId: number, event: NotificationEvent, body: unknown) => Promise<void>;

export type AcceptResult = { ok: true; duplicate: boolean; id: number | null } | { ok: false; reason: string };

/** The key under which re-deliveries of one notification collapse into one journal row. */
export function dedupeKey(event: NotificationEvent, body: unknown): string {
  switch (event.typeWebhook) {
    case "incomingMessageReceived":
    case "outgoingMessageReceived":
    case "outgoingAPIMessageReceived":
      return `${event.typeWebhook}:${event.senderData.chatId}:${event.idMessage}`;
    case "outgoingMessageStatus":
      return `status:${event.chatId}:${event.idMessage}:${event.status}`;
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
  /** Validates and journals one notification for an instance; handlers run afterwards, in arrival order per instance. */
  accept(instanceId: number, idInstance: number, body: unknown, via: "webhook" | "polling"): Promise<AcceptResult>;
  /** Registers a handler for one typeWebhook ("unknown" for types this version does not know, "*" for all). */
  on(type: NotificationEvent["typeWebhook"] | "*", handler: NotificationHandler): void;
  /** Processes journal rows left unprocessed (after a crash or a handler failure). */
  drain(): Promise<number>;
  /**
   * Queues unprocessed journal rows without waiting for them (the leader, woken by another process's webhook): only
   * rows newer than any seen here unless `all`. Calls during a pull collapse into one more pull.
   */
  pull(all?: boolean): Promise<number>;
  /** Resolves when every accepted notification so far has been processed. */
  idle(): Promise<void>;
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
/** A notification whose processing failed is tried again after this long, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 5 * 60_000;

export function createIntake(db: Db, log: Logger, opts: IntakeOptions = {}): Intake {
  const handlers = new Map<string, NotificationHandler[]>();
  const chains = new Map<number, Promise<void>>();
  const pending = new Set<number>();
  const recent = new Set<number>();
  const retryAt = new Map<number, { at: number; delay: number }>();
  let highest = 0;
  let pulling: Promise<number> | null = null;
  let again: { all: boolean } | null = null;

  /** Whether the row was processed (false: kept for a retry). Never throws, even with the database gone. */
  async function process(row: { id: number; instanceId: number; body: unknown }): Promise<boolean> {
    const parsed = parseNotification(row.body);
    try {
      if (!parsed.ok) throw new Error(parsed.reason);
      const event = parsed.event;
      if (event.typeWebhook === "unknown") log.warn({ instanceId: row.instanceId, typeWebhook: event.originalTypeWebhook }, "unknown notification type stored");
      for (const handler of [...(handlers.get(event.typeWebhook) ?? []), ...(handlers.get("*") ?? [])]) {
        await handler(row.instanceId, event, row.body);
      }
      await db.update(notifications).set({ processedAt: new Date(), error: null }).where(eq(notifications.id, row.id));
      return true;
    } catch (err) {
      log.error({ err, notificationId: row.id, instanceId: row.instanceId }, "notification handler failed; kept for retry");
      await db
        .update(notifications)
        .set({ error: String((err as Error).message).slice(0, 500) })
        .where(eq(notifications.id, row.id))
        .catch((e: unknown) => log.error({ err: e, notificationId: row.id }, "could not record the failure"));
      return false;
    }
  }

  /** `fresh`: the row was just inserted (accept), so it is new whatever this process saw before under that id. */
  function enqueue(row: { id: number; instanceId: number; body: unknown }, fresh = false): void {
    if (fresh) {
      recent.delete(row.id);
      retryAt.delete(row.id);
    }
    if (pending.has(row.id) || recent.has(row.id) || (retryAt.get(row.id)?.at ?? 0) > Date.now()) return;
    pending.add(row.id);
    highest = Math.max(highest, row.id);
    const previous = chains.get(row.instanceId) ?? Promise.resolve();
    const next = previous
      .then(() => process(row))
      .then((done) => {
        if (done) {
          retryAt.delete(row.id);
          recent.add(row.id);
          if (recent.size > RECENT) recent.delete(recent.values().next().value!);
        } else {
          // Failed (a handler, or the database is gone): the leader's sweep retries it, backing off.
          const delay = Math.min(RETRY_MAX_MS, (retryAt.get(row.id)?.delay ?? RETRY_FIRST_MS / 2) * 2);
          retryAt.set(row.id, { at: Date.now() + delay, delay });
        }
      })
      .finally(() => pending.delete(row.id));
    chains.set(row.instanceId, next);
    void next.finally(() => {
      if (chains.get(row.instanceId) === next) chains.delete(row.instanceId);
    });
  }

  return {
    async accept(instanceId, idInstance, body, via) {
      const parsed = parseNotification(body);
      if (!parsed.ok) return { ok: false, reason: parsed.reason };
      const event = parsed.event;
      const sentFor = "instanceData" in event ? event.instanceData.idInstance : (event.raw.instanceData as { idInstance?: unknown } | undefined)?.idInstance;
      if (sentFor !== undefined && sentFor !== idInstance) return { ok: false, reason: "notification is for another instance" };
      const typeWebhook = event.typeWebhook === "unknown" ? event.originalTypeWebhook.slice(0, 100) : event.typeWebhook;
      const [row] = await db
        .insert(notifications)
        .values({ instanceId, dedupeKey: dedupeKey(event, body).slice(0, 300), typeWebhook, body, via })
        .onConflictDoNothing()
        .returning({ id: notifications.id });
      await db
        .update(instances)
        .set({ lastNotificationAt: sql`now()`, intakeError: null })
        .where(eq(instances.id, instanceId));
      if (!row) return { ok: true, duplicate: true, id: null };
      metrics.notifications.inc({ type: event.typeWebhook, via }); // known types only: label values stay few
      if (opts.processHere && !opts.processHere()) opts.onJournaled?.();
      else enqueue({ id: row.id, instanceId, body }, true);
      return { ok: true, duplicate: false, id: row.id };
    },

    on(type, handler) {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
    },

    async drain() {
      // Everything unprocessed, failed rows included, now (start-up, or recovery asked for explicitly).
      recent.clear();
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
          .where(and(isNull(notifications.processedAt), everything ? undefined : gt(notifications.id, highest - LOOK_BACK)))
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
  };
}
