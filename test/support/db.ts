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

let opened: Promise<{ database: Database; url?: string; dropDb: () => Promise<void> }> | undefined;

/** A fresh, migrated database on the server in DATABASE_URL (or in a temp dir with PGlite). */
export async function createFreshDatabase(): Promise<{ database: Database; url?: string; dropDb: () => Promise<void> }> {
  if (serverUrl) {
    const name = `gi_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: "unused", log: testLog });
    return {
      database,
      url: url.toString(),
      dropDb: async () => {
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "gi-test-"));
  const database = await openDatabase({ dataDir: dir, log: testLog });
  return {
    database,
    dropDb: async () => {
      await database.close();
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
    sql`truncate table audit_log, notifications, telegram_posts, telegram_codes, telegram_chats, chat_reads, reactions, messages, chats, user_instances, sessions, login_throttle, users, instances restart identity cascade`,
  );
}

export async function closeTestDatabase(): Promise<void> {
  if (!opened) return;
  const o = await opened;
  opened = undefined;
  await o.dropDb();
}
