// Keeps each instance's state in step with Green-API: notifications, and what follows a change of state
// (the history import after the first authorization, the backfill of an offline window, announcements).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Intake } from "../greenapi/intake.ts";
import type { Logger } from "../lib/log.ts";
import { announceInstance } from "./live.ts";
import type { InstanceService } from "./service.ts";
import type { StateTransition } from "./state-log.ts";

/** What the history capability offers (src/instances/history/); absent until it is wired. */
export interface HistoryHooks {
  start(instanceId: number, opts: { auto: boolean }): Promise<unknown>;
  /** Fetches the journals since `since` and merges them; resolves with the number of messages added. */
  backfill(instanceId: number, since: Date): Promise<number>;
}

export interface StateHandlerOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  instances: InstanceService;
  /** Read at each change (the history service is created after this handler). */
  history: () => HistoryHooks | null | undefined;
}

export function registerInstanceStateHandlers(intake: Intake, opts: StateHandlerOptions): void {
  const { db, bus, instances } = opts;
  instances.onStateChange((t) => afterTransition(opts, t));

  intake.on("stateInstanceChanged", async (instanceId, event) => {
    if (event.typeWebhook !== "stateInstanceChanged") return;
    const state = event.stateInstance;
    await instances.setState(instanceId, state, event.instanceData.wid || null);
    bus.publish({ name: EVENTS.instanceChanged, instanceId, data: { state } });
    // Open pages re-fetch the card / QR panel (the event above stays as other capabilities know it).
    announceInstance(bus, instanceId, "state");
  });

  intake.on("quotaExceeded", async (instanceId) => markQuotaExceeded(db, bus, instanceId));
}

/**
 * A committed change: announced (pages and the Telegram channel; `transition` marks it as a real change), and on
 * return to authorized the history work starts in the background: a full import the first time ever, otherwise
 * a backfill of the offline window. Runs once per change (the change is made under a row lock).
 */
function afterTransition(opts: StateHandlerOptions, t: StateTransition): void {
  // Back after an outage (not the restart that applies settings): the channel learns since when it was offline.
  const back =
    t.to === "authorized" && t.offlineSince && !t.settingsPending ? { offlineSince: t.offlineSince.toISOString() } : {};
  announceInstance(opts.bus, t.instanceId, "state", { state: t.to, transition: true, ...back });
  if (t.to !== "authorized") return;
  const history = opts.history();
  const log = opts.log.child({ instanceId: t.instanceId });
  if (!history) {
    if (t.firstAuthorized || t.offlineSince) log.warn("history import is not available; nothing fetched");
    return;
  }
  const work = t.firstAuthorized
    ? history.start(t.instanceId, { auto: true })
    : t.offlineSince
      ? history.backfill(t.instanceId, t.offlineSince)
      : null;
  void work
    ?.then((added) => {
      if (typeof added === "number") log.info({ added, since: t.offlineSince }, "offline window backfilled");
    })
    .catch((err) =>
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "history after authorization failed"),
    );
}

/** The monthly quota ran out (a 466 answer or a quotaExceeded notification): users see it on the instance. */
export async function markQuotaExceeded(db: Db, bus: EventBus, instanceId: number, reason?: string): Promise<void> {
  await db
    .update(instances)
    .set({ quotaExceededAt: new Date(), ...(reason ? { quotaDescription: reason } : {}) })
    .where(eq(instances.id, instanceId));
  announceInstance(bus, instanceId, "state", { quotaExceeded: true });
}
