// The state check: asks Green-API for every instance's state (background lane) and records and announces changes.
import { GreenApiError } from "../greenapi/errors.ts";
import type { AppDeps } from "../lib/context.ts";
import { announceInstance } from "../instances/live.ts";

/**
 * One pass over all instances; returns how many changed. A failed call is logged and skipped (the next pass retries);
 * the number (wid) is looked up when an instance is authorized but its number is not known yet or it just connected.
 */
export async function checkInstanceStates(deps: Pick<AppDeps, "instances" | "gateway" | "bus" | "log">): Promise<number> {
  let changed = 0;
  for (const row of await deps.instances.listRows()) {
    try {
      const answer = await deps.gateway.call(row, "getStateInstance", "background", (c) => c.getStateInstance(), { maxAttempts: 2 });
      const state = answer?.stateInstance ?? "starting";
      let wid: string | null = null;
      if (state === "authorized" && (row.state !== "authorized" || !row.wid)) {
        const wa = await deps.gateway.call(row, "getWaSettings", "background", (c) => c.getWaSettings(), { maxAttempts: 2 });
        wid = wa.phone ? `${wa.phone}@c.us` : null;
      }
      if (await deps.instances.setState(row.id, state, wid)) {
        changed++;
        announceInstance(deps.bus, row.id, "state", { state });
      }
    } catch (err) {
      const reason = err instanceof GreenApiError ? err.reason : String(err);
      deps.log.info({ instanceId: row.id, reason }, "state check failed");
    }
  }
  return changed;
}
