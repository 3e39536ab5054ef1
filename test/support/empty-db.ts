// A new, empty database for restore tests: a fresh PostgreSQL database when DATABASE_URL is set, else an empty
// DATA_DIR for PGlite. Gives the environment for the CLI, a Config-like object and a way to open it.
import { rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { testLog } from "./db.ts";

export const serverUrl = loadConfig().DATABASE_URL;

export interface EmptyTarget {
  env: { DATA_DIR: string; DATABASE_URL?: string };
  config: { DATA_DIR: string; DATABASE_URL: string | undefined };
  open(): Promise<Database>;
  /** Drops the database and deletes the data dir. */
  remove(): Promise<void>;
}

export async function emptyTarget(): Promise<EmptyTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), "gi-restore-"));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (!serverUrl) {
    return {
      env: { DATA_DIR: dataDir },
      config: { DATA_DIR: dataDir, DATABASE_URL: undefined },
      open: () => openDatabase({ dataDir, log: testLog }),
      remove: removeDir,
    };
  }
  const name = `gi_restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    config: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    open: () => openDatabase({ databaseUrl: url.toString(), dataDir, log: testLog }),
    remove: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      await removeDir();
    },
  };
}
