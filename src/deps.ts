// Builds the app's dependencies from config and an open database, and wires capability handlers together.
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./lib/log.ts";
import type { Resolver } from "./lib/public-fetch.ts";
import type { AppDeps } from "./env.ts";
import { registerAppMessages } from "./i18n.ts";
import { createEventBus } from "./events/bus.ts";
import { createCluster } from "./cluster/index.ts";
import { wireCluster } from "./cluster/wire.ts";
import { createSessionService } from "./auth/sessions.ts";
import { createThrottle } from "./auth/throttle.ts";
import { createUserService } from "./users/service.ts";
import { createInstanceService } from "./instances/service.ts";
import { markQuotaExceeded, registerInstanceStateHandlers } from "./instances/state.ts";
import { createInboxService } from "./inbox/service.ts";
import { createPresence } from "./inbox/presence.ts";
import { createAuditService } from "./audit/service.ts";
import { usersAuditListener } from "./users/live.ts";
import { createChallengeStore } from "./auth/two-factor.ts";
import { createIntake } from "./greenapi/intake.ts";
import { createRateLimiter } from "./greenapi/rate-limiter.ts";
import { createGateway } from "./greenapi/gateway.ts";
import {
  changeSentMessage,
  createConversationHooks,
  createGroupSubjects,
  createOutbox,
  react,
  registerIngestHandlers,
  registerStatusHandler,
} from "./conversations/index.ts";
import { subscribeTeamWorkflow } from "./team/index.ts";
import { registerIgnoredNotifications } from "./greenapi/ignored.ts";
import { createPoller } from "./greenapi/poller.ts";
import { createQrWatcher } from "./instances/qr.ts";
import { createJobs } from "./jobs/index.ts";
import { createBackupService } from "./backups/service.ts";
import { registerAutoReply } from "./instances/auto-reply.ts";
import { createHistory } from "./instances/history/index.ts";
import { rateLimitFor } from "./greenapi/limits.ts";
import { createMediaService } from "./inbox/media.ts";
import { createMediaStore } from "./inbox/media-store.ts";
import { createTelegram, subscribeTeamPosts, type TelegramOptions } from "./telegram/index.ts";
import { createPushService } from "./push/service.ts";

export interface DepsOptions {
  /** The fetch used for Green-API (tests may count requests; default global fetch). */
  fetch?: typeof fetch;
  /** Test knobs of the Telegram bot (flood-control time scale, retry delays). */
  telegram?: TelegramOptions;
  /** The clock of time-based rules (auto-reply interval); tests move it forward. Default: real time. */
  clock?: () => Date;
  /** Resolves the hosts of message files before their addresses are checked (tests stub it). Default: the system's. */
  resolveFileHosts?: Resolver;
  /** Test knob: multiplies Green-API's per-method limits (a fake started with the same `rateScale`). Default 1. */
  greenApiRateScale?: number;
}

export function createDeps(config: Config, database: Database, log: Logger, options: DepsOptions = {}): AppDeps {
  registerAppMessages();
  const { db } = database;
  const bus = createEventBus((err) => log.error({ err }, "event listener failed"));
  // Several processes on one PostgreSQL: events reach all of them, background work runs in the leader (src/cluster/).
  const cluster = createCluster(database, bus, log.child({ module: "cluster" }));
  const instances = createInstanceService(db, {
    onCountsError: (err) => log.warn({ err }, "instance counts: refresh failed"),
  });
  const intake = createIntake(db, log.child({ module: "intake" }), {
    processHere: () => cluster.isLeader(),
    onJournaled: () => cluster.wake("intake"),
  });
  // The history service (created below) is read when a state changes: import after the first authorization, backfill.
  registerInstanceStateHandlers(intake, {
    db,
    bus,
    instances,
    log: log.child({ module: "instances" }),
    history: () => history,
  });
  registerStatusHandler(intake, db, bus, log.child({ module: "outbox-status" }));
  const rateScale = options.greenApiRateScale ?? 1;
  // This process may follow one that was just killed (its calls still count at Green-API): each method waits one interval.
  const limiter = createRateLimiter({
    log: log.child({ module: "rate-limiter" }),
    holdAtStart: true,
    ...(rateScale === 1 ? {} : { rpsFor: (m: string) => rateLimitFor(m) * rateScale }),
  });
  const gateway = createGateway({
    limiter,
    log: log.child({ module: "green-api" }),
    fetch: options.fetch,
    onQuotaExceeded: (id, reason) =>
      void markQuotaExceeded(db, bus, id, reason).catch((err) => log.error({ err }, "could not record quota")),
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
    resolve: options.resolveFileHosts,
  });
  const groupSubjects = createGroupSubjects({
    db,
    bus,
    gateway,
    log: log.child({ module: "group-subjects" }),
    loadInstance: (id) => instances.getRow(id),
  });
  // Conversation events (src/conversations/events.ts): subscribers run in the order they are registered here.
  const conversations = createConversationHooks();
  // Within the transaction that stores new customer messages (durable with them), in this order: team workflow first
  // (contact upserted, chat reopened or auto-assigned), then the Telegram post of each message.
  subscribeTeamWorkflow({ bus, hooks: conversations, locale: config.DEFAULT_LOCALE });
  conversations.withinTransaction("messagesReceived", async (ctx, e) => deps.telegram?.queueIncoming(ctx, e.messages));
  // Team events (noteAdded, chatAssigned) queued for Telegram in the publisher's transaction, bot token or not.
  subscribeTeamPosts(conversations, { db, defaultLocale: config.DEFAULT_LOCALE });
  // After the commit, in memory (media.start() resumes pending downloads after a restart; an unnamed group is asked
  // again at its next message): media downloads, unnamed groups' subjects.
  conversations.afterCommit("mediaPending", (e) => {
    for (const id of e.messageIds) media.enqueue(id);
  });
  conversations.afterCommit("namelessGroups", (e) => groupSubjects.request(e.chatIds));
  // Web Push to managers' devices, after the commit, in the background (never holds up the intake).
  const push = createPushService({ db, config, log: log.child({ module: "push" }) });
  conversations.afterCommit("messagesReceived", (e) => push.messagesReceived(e.messages));
  const ingest = registerIngestHandlers(intake, { db, bus, hooks: conversations, locale: config.DEFAULT_LOCALE });
  registerAutoReply(intake, {
    db,
    log: log.child({ module: "auto-reply" }),
    outbox: () => deps.outbox,
    now: options.clock,
  });
  registerIgnoredNotifications(intake, log.child({ module: "intake" }));
  const { history, runner: historyRunner } = createHistory({
    db,
    bus,
    gateway,
    ingest,
    log: log.child({ module: "history" }),
    loadInstance: (id) => instances.getRow(id),
  });
  const instanceLog = log.child({ module: "instances" });
  const audit = createAuditService(db, usersAuditListener(bus));
  const deps: AppDeps = {
    config,
    db,
    log,
    cluster,
    bus,
    sessions: createSessionService(db, config.SESSION_TTL_DAYS),
    users: createUserService(db),
    throttle: createThrottle(db, { maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES }),
    instances,
    inbox: createInboxService(db),
    presence: createPresence(bus),
    audit,
    intake,
    gateway,
    media,
    conversations,
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
    history,
    historyRunner,
    jobs: createJobs({ instances, gateway, bus, audit, config, log: instanceLog, history, poller: () => deps.poller }),
    backups: createBackupService({ config, database, log: log.child({ module: "backups" }), audit }),
    push,
    ping: database.ping,
    setup: { token: null },
    challenges: createChallengeStore(),
    telegram: null,
  };
  deps.telegram = createTelegram(
    {
      config,
      db,
      bus,
      log,
      outbox: deps.outbox,
      audit,
      mediaStore: media.store,
      react: (input) => react({ db, bus, gateway, log, loadInstance: (id) => instances.getRow(id) }, input),
      changeSent: (messageId, change) =>
        changeSentMessage({ db, bus, gateway, log, loadInstance: (id) => instances.getRow(id) }, { messageId }, change),
    },
    options.telegram,
  );
  wireCluster(deps, cluster);
  return deps;
}

/**
 * Starts background work in the leader process (the only process on PGlite; on PostgreSQL the one holding the advisory
 * lock, src/cluster/): everything runBackground starts runs once per deployment, and stops if leadership is lost.
 */
export async function startBackground(deps: AppDeps): Promise<void> {
  await deps.cluster.start({ run: () => runBackground(deps), halt: () => haltBackground(deps) });
}

/** Stops the background work (if leading) and the cross-process relay, before the database closes. */
export async function stopBackground(deps: AppDeps): Promise<void> {
  await deps.cluster.stop();
  deps.gateway.limiter.stop();
  await deps.intake.idle();
}

/** Background work: unprocessed notifications, the outbox, polling loops, scheduled jobs. Runs in the leader only. */
async function runBackground(deps: AppDeps): Promise<void> {
  deps.outbox.start();
  await deps.media.start();
  for (const instance of await deps.instances.listPolling()) deps.poller.start(instance);
  void deps.intake.drain().catch((err) => deps.log.error({ err }, "intake drain failed"));
  deps.jobs.start();
  deps.historyRunner.start();
  deps.backups.start();
  deps.telegram?.start();
}

/** Stops what runBackground started (shutdown, or leadership lost: it may start again later). */
async function haltBackground(deps: AppDeps): Promise<void> {
  deps.jobs.stop();
  await deps.historyRunner.stop();
  await deps.backups.stop();
  await deps.telegram?.stop();
  deps.qr.stopAll();
  await deps.poller.stopAll();
  await deps.outbox.stop();
  await deps.media.stop();
  await deps.intake.idle();
}
