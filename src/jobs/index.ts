// Scheduled jobs (croner): started with the background work, stopped before the database closes.
import { Cron } from "croner";
import type { AppDeps } from "../env.ts";
import { checkInstanceStates, syncPollers, type CheckDeps } from "./state-check.ts";

export interface Jobs {
  start(): void;
  stop(): void;
}

/** The app's jobs; `protect` keeps a slow run from overlapping the next one. */
export function createJobs(
  deps: Pick<AppDeps, "instances" | "gateway" | "bus" | "log" | "audit" | "config"> &
    Pick<CheckDeps, "history"> & { poller?: () => AppDeps["poller"] },
): Jobs {
  let running: Cron[] = [];
  const log = deps.log.child({ module: "jobs" });
  return {
    start() {
      if (running.length) return;
      running = [
        new Cron(
          "0 * * * * *",
          { name: "instance-state", protect: true, catch: (err) => log.error({ err }, "state check failed") },
          async () => {
            await checkInstanceStates(deps);
            // Instances added (command line) or switched on/off elsewhere: polling follows what is stored.
            if (deps.poller) await syncPollers(deps.instances, deps.poller());
          },
        ),
        new Cron(
          "17 3 * * *",
          { name: "audit-retention", protect: true, catch: (err) => log.error({ err }, "audit cleanup failed") },
          async () => {
            const removed = await deps.audit.prune(deps.config.AUDIT_RETENTION_DAYS);
            if (removed) log.info({ removed }, "old audit entries removed");
          },
        ),
      ];
    },
    stop() {
      for (const job of running) job.stop();
      running = [];
    },
  };
}
