// The event hub feeding SSE; every event says which instance (or user) it concerns so it can be filtered.
// On PostgreSQL with several processes, src/cluster/ relays published events to the other processes (NOTIFY) and hands
// theirs to `receive`, so payloads stay plain JSON (ids, strings, numbers).
import type { EventName } from "./names.ts";
import type { Capability } from "../auth/permissions.ts";

export interface AppEvent {
  name: EventName;
  /** Only users who may see this instance receive the event. */
  instanceId?: number;
  /** Only this user receives the event. */
  userId?: number;
  /** Only users with this capability receive the event. */
  capability?: Capability;
  data: Record<string, unknown>;
}

export type Listener = (event: AppEvent) => void;

export interface SubscribeOptions {
  /**
   * Only events published in this process. Listeners with side effects (database writes, Telegram posts) use it: every
   * event then causes its effect once, in the process that published it, however many processes run.
   */
  localOnly?: boolean;
}

export interface EventBus {
  publish(event: AppEvent): void;
  subscribe(listener: Listener, options?: SubscribeOptions): () => void;
  /** Delivers an event published by another process (not relayed again, not to localOnly listeners). */
  receive(event: AppEvent): void;
  /** Called with every locally published event (the cross-process relay); null when running alone. */
  relay: ((event: AppEvent) => void) | null;
  readonly size: number;
}

export function createEventBus(onError: (err: unknown) => void = () => {}): EventBus {
  const listeners = new Map<Listener, SubscribeOptions>();
  const deliver = (event: AppEvent, remote: boolean) => {
    for (const [listener, options] of listeners) {
      if (remote && options.localOnly) continue;
      try {
        listener(event);
      } catch (err) {
        onError(err);
      }
    }
  };
  const bus: EventBus = {
    publish(event) {
      deliver(event, false);
      if (bus.relay) {
        try {
          bus.relay(event);
        } catch (err) {
          onError(err);
        }
      }
    },
    receive(event) {
      deliver(event, true);
    },
    relay: null,
    subscribe(listener, options = {}) {
      listeners.set(listener, options);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
  return bus;
}
