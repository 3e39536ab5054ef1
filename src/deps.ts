// Builds the app's dependencies from config and an open database, and wires capability handlers together.
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./lib/log.ts";
import type { AppDeps } from "./lib/context.ts";
import { createEventBus } from "./events/bus.ts";
import { createSessionService } from "./auth/sessions.ts";
import { createThrottle } from "./auth/throttle.ts";
import { createUserService } from "./users/service.ts";
import { createInstanceService } from "./instances/service.ts";
import { markQuotaExceeded, registerInstanceStateHandlers } from "./instances/state.ts";
import { createInboxService } from "./inbox/service.ts";
import { createAuditService } from "./audit/service.ts";
import { createIntake } from "./greenapi/intake.ts";
import { createScheduler } from "./greenapi/scheduler.ts";
import { createGateway } from "./greenapi/gateway.ts";
import { createOutbox, registerStatusHandler } from "./greenapi/outbox.ts";
import { createPoller } from "./greenapi/poller.ts";

export interface DepsOptions {
  /** The fetch used for Green-API (tests may count requests; default global fetch). */
  fetch?: typeof fetch;
}

export function createDeps(config: Config, database: Database, log: Logger, options: DepsOptions = {}): AppDeps {
  const { db } = database;
  const bus = createEventBus((err) => log.error({ err }, "event listener failed"));
  const instances = createInstanceService(db);
  const intake = createIntake(db, log.child({ module: "intake" }));
  registerInstanceStateHandlers(intake, db, bus);
  registerStatusHandler(intake, db, bus);
  const scheduler = createScheduler({ log: log.child({ module: "scheduler" }) });
  const gateway = createGateway({
    scheduler,
    log: log.child({ module: "green-api" }),
    fetch: options.fetch,
    onQuotaExceeded: (id) => void markQuotaExceeded(db, bus, id).catch((err) => log.error({ err }, "could not record quota")),
  });
  return {
    config,
    db,
    log,
    bus,
    sessions: createSessionService(db, config.SESSION_TTL_DAYS),
    users: createUserService(db),
    throttle: createThrottle(db, { maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES }),
    instances,
    inbox: createInboxService(db),
    audit: createAuditService(db),
    intake,
    gateway,
    outbox: createOutbox({
      db,
      gateway,
      bus,
      log: log.child({ module: "outbox" }),
      loadInstance: (id) => instances.getRow(id),
      reconcileAfterMs: config.OUTBOX_RECONCILE_SECONDS * 1000,
    }),
    poller: createPoller({
      gateway,
      intake,
      log: log.child({ module: "poller" }),
      timeoutSeconds: config.POLL_TIMEOUT_SECONDS,
      reportError: (id, reason) => instances.setIntakeError(id, reason),
    }),
    ping: database.ping,
    setup: { token: null },
  };
}

/** Starts background work: unprocessed notifications, the outbox, polling loops. */
export async function startBackground(deps: AppDeps): Promise<void> {
  deps.outbox.start();
  for (const instance of await deps.instances.listPolling()) deps.poller.start(instance);
  void deps.intake.drain().catch((err) => deps.log.error({ err }, "intake drain failed"));
}

/** Stops background work before the database closes. */
export async function stopBackground(deps: AppDeps): Promise<void> {
  await deps.poller.stopAll();
  await deps.outbox.stop();
  deps.gateway.scheduler.stop();
  await deps.intake.idle();
}
