// Types shared by every route: the app's dependencies and the per-request variables.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { SessionRow, SessionService, SessionUser } from "../auth/sessions.ts";
import type { Throttle } from "../auth/throttle.ts";
import type { ChallengeStore } from "../auth/two-factor.ts";
import type { UserService } from "../users/service.ts";
import type { InstanceService } from "../instances/service.ts";
import type { InboxService } from "../inbox/service.ts";
import type { Presence } from "../inbox/presence.ts";
import type { AuditService } from "../audit/service.ts";
import type { Intake } from "../greenapi/intake.ts";
import type { Gateway } from "../greenapi/gateway.ts";
import type { Outbox } from "../greenapi/outbox.ts";
import type { Poller } from "../greenapi/poller.ts";
import type { QrWatcher } from "../instances/qr.ts";
import type { Jobs } from "../jobs/index.ts";
import type { History } from "../instances/history/index.ts";
import type { HistoryRunner } from "../instances/history/runner.ts";
import type { BackupService } from "../backups/service.ts";
import type { MediaService } from "../inbox/media.ts";
import type { Telegram } from "../telegram/index.ts";
import type { Cluster } from "../cluster/index.ts";
import type { Locale, Translate } from "./i18n.ts";
import type { Logger } from "./log.ts";

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
  Variables: {
    deps: AppDeps;
    log: Logger;
    requestId: string;
    user: SessionUser | null;
    session: SessionRow | null;
    locale: Locale;
    t: Translate;
    csrfToken: string;
    /** Set by the instance gate. */
    instanceId: number;
    mayManageInstance: boolean;
  };
}

declare module "hono" {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}
