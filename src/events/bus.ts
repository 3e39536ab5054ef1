// The in-process event hub feeding SSE; every event says which instance (or user) it concerns so it can be filtered.
import type { EventName } from "./names.ts";

export interface AppEvent {
  name: EventName;
  /** Only users who may see this instance receive the event. */
  instanceId?: number;
  /** Only this user receives the event. */
  userId?: number;
  data: Record<string, unknown>;
}

export type Listener = (event: AppEvent) => void;

export interface EventBus {
  publish(event: AppEvent): void;
  subscribe(listener: Listener): () => void;
  readonly size: number;
}

export function createEventBus(onError: (err: unknown) => void = () => {}): EventBus {
  const listeners = new Set<Listener>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}
