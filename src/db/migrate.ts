// Applies the committed Drizzle migrations; on PostgreSQL under an advisory lock so concurrent starts run them once.
import { sql } from "drizzle-orm";
import { fileURLToPath } from "node:url";
import type { Logger } from "../lib/log.ts";
import type { Database } from "./client.ts";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
const LOCK_KEY = 7_345_201_117; // arbitrary constant shared by every GreenInbox process

/** Runs pending migrations and logs how many were applied. */
export async function runMigrations(database: Database, log: Logger, folder = MIGRATIONS_FOLDER): Promise<void> {
  const started = performance.now();
  if (database.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
      // The migrator needs its own session; holding the lock in this transaction serialises other starters.
      await migrate(database.db as never, { migrationsFolder: folder });
    });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(database.db as never, { migrationsFolder: folder });
  }
  log.info({ ms: Math.round(performance.now() - started) }, "database migrations up to date");
}
