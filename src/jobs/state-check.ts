// The state check: asks Green-API for every enabled instance's state (background lane), records changes (the state
// log, "offline since", history work: src/instances/state.ts) and watches webhook intake for silence.
import { GreenApiError } from "../greenapi/errors.ts";
import type { AppDeps } from "../env.ts";
import { announceInstance } from "../instances/live.ts";
import type { InstanceRow } from "../instances/service.ts";
import type { HistoryHooks } from "../instances/state.ts";

/** A webhook instance this long without notifications gets its journal checked for messages that never came. */
const SILENT_AFTER_MS = 10 * 60_000;
/** Journals lag up to ~2 minutes (shared/green-api.md §2): younger messages may still be on their way. */
const JOURNAL_LAG_MS = 2 * 60_000;

export type CheckDeps = Pick<AppDeps, "instances" | "gateway" | "bus" | "log"> & { history?: HistoryHooks | null };

/** When each instance's journal was last probed for silence (per process; the job runs in one). */
const probed = new Map<number, number>();

/**
 * One pass over all enabled instances; returns how many changed. A failed call is logged and skipped (the next pass
 * retries); the number (wid) is looked up when an instance is authorized but its number is not known yet or it just
 * connected. Disabled instances are left alone.
 */
export async function checkInstanceStates(deps: CheckDeps, now: () => number = Date.now): Promise<number> {
  let changed = 0;
  for (const row of await deps.instances.listRows()) {
    if (!row.enabled) continue;
    try {
      const answer = await deps.gateway.call(row, "getStateInstance", "background", (c) => c.getStateInstance(), {
        maxAttempts: 2,
      });
      const state = answer?.stateInstance ?? "starting";
      let wid: string | null = null;
      if (state === "authorized" && (row.state !== "authorized" || !row.wid)) {
        const wa = await deps.gateway.call(row, "getWaSettings", "background", (c) => c.getWaSettings(), {
          maxAttempts: 2,
        });
        wid = wa.phone ? `${wa.phone}@c.us` : null;
      }
      if (await deps.instances.setState(row.id, state, wid)) {
        changed++;
        announceInstance(deps.bus, row.id, "state", { state });
      } else if (state === "authorized") {
        await watchIntake(deps, row, now());
      }
    } catch (err) {
      const reason = err instanceof GreenApiError ? err.reason : String(err);
      deps.log.info({ instanceId: row.id, reason }, "state check failed");
    }
  }
  return changed;
}

/**
 * Webhook intake of an authorized number: silent for SILENT_AFTER_MS while Green-API's journal holds incoming
 * messages that should have arrived → "offline since" the last notification, and a Telegram alert. Once
 * notifications arrive again the mark is cleared and the silent window backfilled. (Polling reports its own
 * failures: intakeError.)
 */
async function watchIntake(deps: CheckDeps, row: InstanceRow, nowMs: number): Promise<void> {
  const last = row.lastNotificationAt ?? row.createdAt;
  if (row.offlineSince) {
    if (
      row.lastNotificationAt &&
      row.lastNotificationAt > row.offlineSince &&
      (await deps.instances.clearIntakeSilence(row.id, row.offlineSince))
    ) {
      announceInstance(deps.bus, row.id, "state", { state: "authorized" });
      void deps.history
        ?.backfill(row.id, row.offlineSince)
        .catch((err) => deps.log.warn({ instanceId: row.id, err: String(err) }, "backfill after silence failed"));
    }
    return;
  }
  if (row.intakeMode !== "webhook" || nowMs - last.getTime() < SILENT_AFTER_MS) return;
  if (nowMs - (probed.get(row.id) ?? 0) < SILENT_AFTER_MS) return;
  probed.set(row.id, nowMs);
  const minutes = Math.ceil((nowMs - last.getTime()) / 60_000) + 1;
  const journal = await deps.gateway.call(
    row,
    "lastIncomingMessages",
    "background",
    (c) => c.lastIncomingMessages(minutes),
    { maxAttempts: 1 },
  );
  const missed = journal.some(
    (j) => j.timestamp * 1000 > last.getTime() && j.timestamp * 1000 < nowMs - JOURNAL_LAG_MS,
  );
  if (missed && (await deps.instances.markIntakeSilent(row.id, last))) {
    deps.log.warn({ instanceId: row.id, since: last }, "webhook intake is silent while the journal has messages");
    announceInstance(deps.bus, row.id, "state", { intakeSilentSince: last.toISOString() });
  }
}

/** Polls exactly the enabled polling instances: starts missing loops, stops loops of disabled, switched or removed ones. */
export async function syncPollers(instances: AppDeps["instances"], poller: AppDeps["poller"]): Promise<void> {
  const wanted = new Map((await instances.listPolling()).map((r) => [r.id, r]));
  for (const id of poller.active) if (!wanted.has(id)) await poller.stop(id);
  for (const [id, row] of wanted) if (!poller.active.includes(id)) poller.start(row);
}
