// QR login: while a manager looks at an unlinked instance, fetch its QR (and state) through the gateway and push changes.
import { GreenApiError } from "../greenapi/errors.ts";
import type { AppDeps } from "../env.ts";
import { isMessageKey, type MessageKey, type Params } from "../lib/i18n.ts";
import { describeFailure } from "./manage.ts";
import { announceInstance } from "./live.ts";
import type { InstanceRow } from "./service.ts";

/** What the QR panel can show. */
export type QrSnapshot =
  | { kind: "loading" }
  | { kind: "qr"; image: string }
  | { kind: "starting" }
  | { kind: "authorized" }
  /** Why there is none: a message key rendered in the reader's language, or Green-API's own words. */
  | { kind: "error"; reason: { key: MessageKey; params?: Params } | { text: string } };

export interface QrWatcher {
  /**
   * Someone is looking at this instance's QR: keeps a refresher running for a lease (renewed by each call) and returns
   * the latest snapshot, waiting up to `waitMs` for the first one.
   */
  watch(instanceId: number, userId: number, waitMs?: number): Promise<QrSnapshot>;
  stop(instanceId: number): void;
  stopAll(): void;
}

export interface QrWatcherOptions {
  /** Pause between two rounds (each round: one getStateInstance, then one qr when unlinked). Default 2000 ms. */
  intervalMs?: number;
  /** How long a viewer counts as present after their last fetch. Default 30 s. */
  leaseMs?: number;
}

interface Refresher {
  viewers: Map<number, number>;
  snapshot: QrSnapshot;
  stopped: boolean;
  changed: Set<() => void>;
}

export function createQrWatcher(
  deps: Pick<AppDeps, "instances" | "gateway" | "bus" | "log">,
  opts: QrWatcherOptions = {},
): QrWatcher {
  const intervalMs = opts.intervalMs ?? 2000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const refreshers = new Map<number, Refresher>();

  function set(id: number, r: Refresher, snapshot: QrSnapshot) {
    const same = JSON.stringify(snapshot) === JSON.stringify(r.snapshot);
    r.snapshot = snapshot;
    for (const wake of r.changed) wake();
    if (same) return;
    for (const userId of r.viewers.keys()) announceInstance(deps.bus, id, "qr", {}, userId);
  }

  async function round(row: InstanceRow, r: Refresher): Promise<boolean> {
    const answer = await deps.gateway.call(row, "getStateInstance", "normal", (c) => c.getStateInstance(), {
      maxAttempts: 1,
    });
    const state = answer?.stateInstance ?? "starting";
    if (state === "authorized") {
      const wa = await deps.gateway
        .call(row, "getWaSettings", "normal", (c) => c.getWaSettings(), { maxAttempts: 1 })
        .catch(() => null);
      await deps.instances.setState(row.id, state, wa?.phone ? `${wa.phone}@c.us` : null);
      announceInstance(deps.bus, row.id, "state", { state });
      set(row.id, r, { kind: "authorized" });
      return false;
    }
    if (await deps.instances.setState(row.id, state)) announceInstance(deps.bus, row.id, "state", { state });
    if (state !== "notAuthorized") {
      const key = `state.${state}`;
      const reason = { key: isMessageKey(key) ? key : ("state.unknown" as const) };
      set(row.id, r, state === "starting" ? { kind: "starting" } : { kind: "error", reason });
      return true;
    }
    const qr = await deps.gateway.call(row, "qr", "normal", (c) => c.qr(), { maxAttempts: 1 });
    if (qr.type === "qrCode") set(row.id, r, { kind: "qr", image: qr.message });
    else if (qr.type === "error") set(row.id, r, { kind: "error", reason: { text: qr.message } });
    return true; // alreadyLogged: the next round's state check sees it
  }

  async function run(id: number, r: Refresher) {
    const log = deps.log.child({ instanceId: id, module: "qr" });
    while (!r.stopped) {
      const now = Date.now();
      for (const [userId, until] of r.viewers) if (until < now) r.viewers.delete(userId);
      if (r.viewers.size === 0) break;
      try {
        const row = await deps.instances.getRow(id);
        if (!row || r.stopped || !(await round(row, r))) break;
      } catch (err) {
        if (r.stopped) break;
        log.info({ reason: err instanceof GreenApiError ? err.reason : String(err) }, "QR refresh failed");
        const row = await deps.instances.getRow(id).catch(() => undefined);
        set(id, r, { kind: "error", reason: describeFailure(err, row?.apiUrl ?? "") });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    r.stopped = true;
    if (refreshers.get(id) === r) refreshers.delete(id);
  }

  return {
    async watch(instanceId, userId, waitMs = 0) {
      let r = refreshers.get(instanceId);
      if (!r || r.stopped) {
        r = { viewers: new Map(), snapshot: { kind: "loading" }, stopped: false, changed: new Set() };
        refreshers.set(instanceId, r);
        r.viewers.set(userId, Date.now() + leaseMs);
        void run(instanceId, r);
      }
      r.viewers.set(userId, Date.now() + leaseMs);
      if (r.snapshot.kind === "loading" && waitMs > 0) {
        const refresher = r;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs);
          function done() {
            clearTimeout(timer);
            refresher.changed.delete(done);
            resolve();
          }
          refresher.changed.add(done);
        });
      }
      return r.snapshot;
    },
    stop(instanceId) {
      const r = refreshers.get(instanceId);
      if (r) r.stopped = true;
      refreshers.delete(instanceId);
    },
    stopAll() {
      for (const id of [...refreshers.keys()]) this.stop(id);
    },
  };
}
