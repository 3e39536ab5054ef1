// One test database per `bun test` process: a fresh PostgreSQL database when DATABASE_URL is set, else PGlite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { createLogger } from "../../src/lib/log.ts";

export const testLog = createLogger("silent");
const serverUrl = loadConfig().DATABASE_URL;

export interface FreshDatabase {
  database: Database;
  /** What a child process needs to open the same database (DATABASE_URL, or DATA_DIR for PGlite). */
  childEnv: Record<string, string>;
  /** Closes and deletes the database. */
  dropDb(): Promise<void>;
}

let opened: Promise<FreshDatabase> | undefined;

/** A fresh, migrated database on the server in DATABASE_URL (or in a temp dir with PGlite). */
export async function createFreshDatabase(): Promise<FreshDatabase> {
  if (serverUrl) {
    const name = `gi_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: "unused", log: testLog });
    return {
      database,
      childEnv: { DATABASE_URL: url.toString() },
      dropDb: async () => {
        await database.close().catch(() => {});
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "gi-test-"));
  const database = await openDatabase({ dataDir: dir, log: testLog });
  return {
    database,
    childEnv: { DATA_DIR: dir },
    dropDb: async () => {
      await database.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shared test database of this process. */
export async function testDatabase(): Promise<Database> {
  opened ??= createFreshDatabase();
  return (await opened).database;
}

/** Empties every table (between test files). */
export async function resetDatabase(): Promise<void> {
  const { db } = await testDatabase();
  await db.execute(
    sql`truncate table chat_labels, labels, quick_replies, contacts, history_imports, instance_state_log, audit_log, oauth_accounts, notifications, telegram_posts, telegram_codes, telegram_chats, chat_reads, reactions, messages, chats, user_instances, sessions, login_throttle, users, instances restart identity cascade`,
  );
}

export async function closeTestDatabase(): Promise<void> {
  if (!opened) return;
  const o = await opened;
  opened = undefined;
  await o.dropDb();
}
