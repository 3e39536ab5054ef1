// Types only the composition knows whole: every dependency of the app (AppDeps), every request variable (AppEnv).
// Capabilities type-import them from here; lib's part of the request variables lives in src/lib/context.ts.
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { EventBus } from "./events/bus.ts";
import type { SessionRow, SessionService, SessionUser } from "./auth/sessions.ts";
import type { Throttle } from "./auth/throttle.ts";
import type { ChallengeStore } from "./auth/two-factor.ts";
import type { UserService } from "./users/service.ts";
import type { InstanceService } from "./instances/service.ts";
import type { InboxService } from "./inbox/service.ts";
import type { Presence } from "./inbox/presence.ts";
import type { AuditService } from "./audit/service.ts";
import type { Intake } from "./greenapi/intake.ts";
import type { Gateway } from "./greenapi/gateway.ts";
import type { ConversationHooks, Outbox } from "./conversations/index.ts";
import type { Poller } from "./greenapi/poller.ts";
import type { QrWatcher } from "./instances/qr.ts";
import type { Jobs } from "./jobs/index.ts";
import type { History } from "./instances/history/index.ts";
import type { HistoryRunner } from "./instances/history/runner.ts";
import type { BackupService } from "./backups/service.ts";
import type { MediaService } from "./inbox/media.ts";
import type { Telegram } from "./telegram/index.ts";
import type { PushService } from "./push/service.ts";
import type { Cluster } from "./cluster/index.ts";
import type { RequestVars } from "./lib/context.ts";
import type { Logger } from "./lib/log.ts";

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
  bus: EventBus;
  sessions: SessionService;
  users: UserService;
  throttle: Throttle;
  instances: InstanceService;
  inbox: InboxService;
  presence: Presence;
  audit: AuditService;
  intake: Intake;
  gateway: Gateway;
  /** Message media: background downloads, the file store (uploads), retries. */
  media: MediaService;
  outbox: Outbox;
  /** Conversation events: subscribers within the storing transaction or after its commit (wired in src/deps.ts). */
  conversations: ConversationHooks;
  poller: Poller;
  /** QR login refreshers, one per instance someone is linking. */
  qr: QrWatcher;
  /** Scheduled jobs (croner). */
  jobs: Jobs;
  /** History import (start / cancel) and the backfill of offline windows (src/instances/history/). */
  history: History;
  /** Runs history imports in the background (started with the other background work). */
  historyRunner: HistoryRunner;
  /** Database backups into DATA_DIR/backups (schedule, "back up now", list, download). */
  backups: BackupService;
  /** Web Push: VAPID keys, users' device subscriptions, a push for each new customer message. */
  push: PushService;
  /** Checks the database; throws when it is down. */
  ping(): Promise<void>;
  /** One-time first-admin setup token while no user exists, else null. */
  setup: { token: string | null };
  /** Sign-ins waiting for their Telegram code. */
  challenges: ChallengeStore;
  /** The Telegram bot and its services; null when TELEGRAM_BOT_TOKEN is not set. */
  telegram: Telegram | null;
  /** Several processes: event relay, leader election, wake-ups of the leader (src/cluster/). */
  cluster: Cluster;
}

export interface AppEnv {
  Variables: RequestVars & {
    deps: AppDeps;
    user: SessionUser | null;
    session: SessionRow | null;
    /** Set by the instance gate. */
    instanceId: number;
    mayManageInstance: boolean;
  };
}
