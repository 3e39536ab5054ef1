// Polling intake: one receiveNotification/deleteNotification loop per instance in polling mode (works behind NAT).
import type { Logger } from "../lib/log.ts";
import { GreenApiError } from "./errors.ts";
import type { Gateway, InstanceCredentials } from "./gateway.ts";
import type { Intake } from "./intake.ts";

export interface PollerOptions {
  gateway: Gateway;
  intake: Intake;
  log: Logger;
  /** receiveNotification long-poll window, seconds. */
  timeoutSeconds: number;
  /** Records why polling fails (shown on the instance), or null when it works again. */
  reportError: (instanceId: number, reason: string | null) => Promise<void>;
}

export interface Poller {
  /** Starts polling this instance (restarts with new credentials if already polling). */
  start(instance: InstanceCredentials): void;
  stop(instanceId: number): Promise<void>;
  stopAll(): Promise<void>;
  readonly active: number[];
}

const MAX_BACKOFF_MS = 30_000;

export function createPoller(opts: PollerOptions): Poller {
  const loops = new Map<number, { stopped: boolean; done: Promise<void> }>();

  async function loop(instance: InstanceCredentials, state: { stopped: boolean }) {
    const log = opts.log.child({ instanceId: instance.id });
    let failures = 0;
    let reported = false;
    while (!state.stopped) {
      try {
        const received = await opts.gateway.call(
          instance,
          "receiveNotification",
          "normal",
          (c) => c.receiveNotification(opts.timeoutSeconds),
          { maxAttempts: 1 },
        );
        if (state.stopped) break;
        if (received) {
          // Acknowledged only once safely in the journal: processed from there, or kept in quarantine when it cannot be
          // read (polled bodies are never refused: the queue is this instance's own).
          await opts.intake.accept(instance.id, instance.idInstance, received.body, "polling");
          await opts.gateway.call(instance, "deleteNotification", "normal", (c) =>
            c.deleteNotification(received.receiptId),
          );
        }
        failures = 0;
        if (reported) {
          reported = false;
          await opts.reportError(instance.id, null);
        }
      } catch (err) {
        if (state.stopped) break;
        failures++;
        const reason = err instanceof GreenApiError ? err.reason : "cannot reach Green-API";
        log.warn({ failures, reason }, "polling failed");
        if (!reported || failures === 1) {
          reported = true;
          await opts.reportError(instance.id, reason).catch(() => {});
        }
        const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() / 2);
        await sleepUnless(state, backoff);
      }
    }
  }

  async function sleepUnless(state: { stopped: boolean }, ms: number) {
    const until = Date.now() + ms;
    while (!state.stopped && Date.now() < until)
      await new Promise((r) => setTimeout(r, Math.min(200, until - Date.now())));
  }

  const api: Poller = {
    start(instance) {
      void api.stop(instance.id).then(() => {
        const state = { stopped: false, done: Promise.resolve() };
        state.done = loop(instance, state);
        loops.set(instance.id, state);
      });
    },
    async stop(instanceId) {
      const state = loops.get(instanceId);
      if (!state) return;
      state.stopped = true;
      loops.delete(instanceId);
      // A long poll in flight is abandoned: what it brings back is not acknowledged, so Green-API serves it again.
      await Promise.race([state.done, new Promise((r) => setTimeout(r, 2000))]);
    },
    async stopAll() {
      await Promise.all([...loops.keys()].map((id) => api.stop(id)));
    },
    get active() {
      return [...loops.keys()];
    },
  };
  return api;
}
