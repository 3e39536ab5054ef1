// Applies the committed Drizzle migrations; on PostgreSQL under an advisory lock so concurrent starts run them once.
import { sql } from "drizzle-orm";
import { fileURLToPath } from "node:url";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { embeddedFile, embeddedPaths, isEmbedded } from "../lib/embedded.ts";
import type { Logger } from "../lib/log.ts";
import type { Database } from "./client.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
const LOCK_KEY = 7_345_201_117; // arbitrary constant shared by every GreenInbox process

/** Runs pending migrations and logs how many were applied. */
export async function runMigrations(database: Database, log: Logger, folder?: string): Promise<void> {
  if (folder === undefined && isEmbedded()) {
    // The single binary carries the migrations embedded; Drizzle's migrator reads a folder, so write them out briefly.
    const dir = await materializeEmbeddedMigrations();
    try {
      return await runMigrations(database, log, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  folder ??= MIGRATIONS_FOLDER;
  const started = performance.now();
  if (database.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await database.db.transaction(async (tx) => {
      // Hand-written: an advisory lock (a PostgreSQL function, no table to build a query on).
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

async function materializeEmbeddedMigrations(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "greeninbox-migrations-"));
  for (const path of embeddedPaths("drizzle/")) {
    const target = join(dir, path.slice("drizzle/".length));
    mkdirSync(dirname(target), { recursive: true });
    await Bun.write(target, embeddedFile(path)!);
  }
  return dir;
}
