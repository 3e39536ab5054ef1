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
import { createChallengeStore } from "./auth/two-factor.ts";
import { createIntake } from "./greenapi/intake.ts";
import { createScheduler } from "./greenapi/scheduler.ts";
import { createGateway } from "./greenapi/gateway.ts";
import { createOutbox } from "./greenapi/outbox.ts";
import { registerStatusHandler } from "./greenapi/outbox-status.ts";
import { createPoller } from "./greenapi/poller.ts";
import { createQrWatcher } from "./instances/qr.ts";
import { createJobs } from "./jobs/index.ts";
import { registerIngestHandlers } from "./inbox/ingest.ts";
import { createMediaService } from "./inbox/media.ts";
import { createMediaStore } from "./inbox/media-store.ts";
import { createTelegram, type TelegramOptions } from "./telegram/index.ts";

export interface DepsOptions {
  /** The fetch used for Green-API (tests may count requests; default global fetch). */
  fetch?: typeof fetch;
  /** Test knobs of the Telegram bot (flood-control time scale, retry delays). */
  telegram?: TelegramOptions;
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
  const media = createMediaService({
    db,
    bus,
    log: log.child({ module: "media" }),
    gateway,
    store: createMediaStore(config.DATA_DIR),
    loadInstance: (id) => instances.getRow(id),
    locale: config.DEFAULT_LOCALE,
    fetch: options.fetch,
  });
  registerIngestHandlers(intake, { db, bus, locale: config.DEFAULT_LOCALE, onMediaPending: (id) => media.enqueue(id) });
  const instanceLog = log.child({ module: "instances" });
  const audit = createAuditService(db);
  const deps: AppDeps = {
    config,
    db,
    log,
    bus,
    sessions: createSessionService(db, config.SESSION_TTL_DAYS),
    users: createUserService(db),
    throttle: createThrottle(db, { maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES }),
    instances,
    inbox: createInboxService(db),
    audit,
    intake,
    gateway,
    media,
    outbox: createOutbox({
      db,
      gateway,
      bus,
      log: log.child({ module: "outbox" }),
      loadInstance: (id) => instances.getRow(id),
      readFile: async (sha256) => (await media.store.file(sha256))?.blob ?? null,
      reconcileAfterMs: config.OUTBOX_RECONCILE_SECONDS * 1000,
    }),
    poller: createPoller({
      gateway,
      intake,
      log: log.child({ module: "poller" }),
      timeoutSeconds: config.POLL_TIMEOUT_SECONDS,
      reportError: (id, reason) => instances.setIntakeError(id, reason),
    }),
    qr: createQrWatcher({ instances, gateway, bus, log: instanceLog }),
    jobs: createJobs({ instances, gateway, bus, audit, config, log: instanceLog }),
    ping: database.ping,
    setup: { token: null },
    challenges: createChallengeStore(),
    telegram: null,
  };
  deps.telegram = createTelegram({ config, db, bus, log, outbox: deps.outbox, mediaStore: media.store }, options.telegram);
  return deps;
}

/** Starts background work: unprocessed notifications, the outbox, polling loops, scheduled jobs. */
export async function startBackground(deps: AppDeps): Promise<void> {
  deps.outbox.start();
  await deps.media.start();
  for (const instance of await deps.instances.listPolling()) deps.poller.start(instance);
  void deps.intake.drain().catch((err) => deps.log.error({ err }, "intake drain failed"));
  deps.jobs.start();
  deps.telegram?.start();
}

/** Stops background work before the database closes. */
export async function stopBackground(deps: AppDeps): Promise<void> {
  deps.jobs.stop();
  await deps.telegram?.stop();
  deps.qr.stopAll();
  await deps.poller.stopAll();
  await deps.outbox.stop();
  await deps.media.stop();
  deps.gateway.scheduler.stop();
  await deps.intake.idle();
}
