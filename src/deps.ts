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
import { registerInstanceStateHandlers } from "./instances/state.ts";
import { createInboxService } from "./inbox/service.ts";
import { createAuditService } from "./audit/service.ts";
import { createIntake } from "./greenapi/intake.ts";

export function createDeps(config: Config, database: Database, log: Logger): AppDeps {
  const { db } = database;
  const bus = createEventBus((err) => log.error({ err }, "event listener failed"));
  const intake = createIntake(db, log.child({ module: "intake" }));
  registerInstanceStateHandlers(intake, db, bus);
  return {
    config,
    db,
    log,
    bus,
    sessions: createSessionService(db, config.SESSION_TTL_DAYS),
    users: createUserService(db),
    throttle: createThrottle(db, { maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES }),
    instances: createInstanceService(db),
    inbox: createInboxService(db),
    audit: createAuditService(db),
    intake,
    ping: database.ping,
    setup: { token: null },
  };
}
