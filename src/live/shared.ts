// Work shared by all SSE streams of this process, so 2 000 open tabs cost what their distinct users and views cost:
// per-event memos (a chat row or unread count once per user and event, a bubble once per view), connect-time queries
// coalesced per user, and a cap on how many of those queries hold the database pool at once.
import type { SessionUser } from "../auth/sessions.ts";
import type { EventBus } from "../events/bus.ts";

const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `compute()` once per (owner, key) in this process; later callers get the same promise. The owner is an event object (the
 * memo lives as long as some stream still holds the event), so the result is never older than the event itself.
 */
export function memo<T>(owner: object, key: string, compute: () => Promise<T>): Promise<T> {
  let byKey = memos.get(owner);
  if (!byKey) memos.set(owner, (byKey = new Map()));
  let result = byKey.get(key) as Promise<T> | undefined;
  if (!result) byKey.set(key, (result = compute()));
  return result;
}

/** Everything a user's chat rows and unread counts depend on: who they are and which numbers they may see. */
export function scopeKey(user: SessionUser): string {
  return `${user.id}:${user.isAdmin ? "all" : [...user.instanceIds].sort((a, b) => a - b).join(",")}`;
}

/** Runs at most `max` tasks at once, the others in arrival order. */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Per-user live-update queries (chat rows, unread counts) leave the rest of the pool of 10 to requests and ingest. */
export const fanoutQuery = limiter(4);

/**
 * Connect-time coalescing: tabs opening together share one in-flight query per user, but only while nothing could have
 * changed its answer. Every inbox event any stream of this bus sees, and every stream closing (so that an event published
 * while no stream listened cannot be missed), ends the sharing; a tab subscribes before it asks.
 */
const inFlightByBus = new WeakMap<EventBus, Map<string, Promise<unknown>>>();

function inFlightOf(bus: EventBus): Map<string, Promise<unknown>> {
  let inFlight = inFlightByBus.get(bus);
  if (!inFlight) inFlightByBus.set(bus, (inFlight = new Map()));
  return inFlight;
}

/** Called by every stream's listener for inbox events (before its permission filter), and when a stream closes. */
export function stopSharing(bus: EventBus): void {
  inFlightByBus.get(bus)?.clear();
}

/** `compute()` shared by the callers asking for the same key while it runs and no inbox event came in between. */
export function coalesce<T>(bus: EventBus, key: string, compute: () => Promise<T>): Promise<T> {
  const inFlight = inFlightOf(bus);
  const existing = inFlight.get(key) as Promise<T> | undefined;
  if (existing) return existing;
  const result = compute();
  inFlight.set(key, result);
  const done = () => {
    if (inFlight.get(key) === result) inFlight.delete(key);
  };
  result.then(done, done);
  return result;
}
