// Opens the database: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise embedded PGlite in DATA_DIR.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Logger } from "../lib/log.ts";
import * as schema from "./schema/index.ts";
import { acquireDirLock } from "./dir-lock.ts";
import { runMigrations } from "./migrate.ts";
import { openPgliteDatabase } from "./pglite.ts";
import { pgliteTemplate, unpackTemplate } from "./pglite-template.ts";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** PostgreSQL only: the URL and the postgres.js pool (LISTEN/NOTIFY, the leader lock: src/cluster/). */
  postgres?: { url: string; sql: import("postgres").Sql };
  /** PGlite only: a consistent tarball of the data directory (backups; restore with PGlite's loadDataDir). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  log: Logger;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

/** Opens (and by default migrates) the configured database. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const database = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, opts.log)
    : await openPglite(opts.dataDir, opts.log);
  if (opts.migrate !== false) {
    try {
      await runMigrations(database, opts.log);
    } catch (err) {
      await database.close();
      throw err;
    }
  }
  return database;
}

const PREPARED_MAX_PARAMETERS = 16;

/**
 * The pool as drizzle should use it: statements as named prepared statements, per connection (drizzle asks for unnamed
 * ones unless a query is named: postgres.js then spends a round trip describing each statement before running it, and
 * PostgreSQL parses and plans it every time). Not statements with many parameters: their text varies with the length of
 * an IN list, and each variant would stay prepared on every connection. The same for transactions' connections.
 */
function preparing<T extends import("postgres").Sql | import("postgres").TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === "unsafe") {
        return (query: string, args: unknown[] = [], options?: object) =>
          target.unsafe(query, args as never, { ...options, prepare: args.length <= PREPARED_MAX_PARAMETERS });
      }
      if (key === "begin" || key === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: import("postgres").TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).call(
            target,
            ...args,
            (tx: import("postgres").TransactionSql) => fn(preparing(tx)),
          );
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function openPostgres(url: string, log: Logger): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(preparing(client), { schema, casing: "snake_case" });
  const ping = async () => {
    await client`select 1`;
  };
  try {
    await ping();
  } catch (err) {
    await client.end({ timeout: 1 });
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL: ${(err as Error).message}`);
  }
  log.info({ db: "postgres" }, "connected to PostgreSQL");
  return { db, kind: "postgres", ping, postgres: { url, sql: client }, close: () => client.end({ timeout: 5 }) };
}

async function openPglite(dataDir: string, log: Logger): Promise<Database> {
  const dir = join(dataDir, "pglite");
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDirLock(dataDir);
  const started = performance.now();
  try {
    if (!existsSync(join(dir, "PG_VERSION"))) {
      if (existsSync(dir) && readdirSync(dir).length > 0)
        throw new DatabaseUnavailableError(
          `${dir} holds files but no database (no PG_VERSION): move it away to start a new one, or restore a backup into an empty DATA_DIR`,
        );
      log.info({ db: "pglite", dir }, "creating the embedded database");
      unpackTemplate(await pgliteTemplate(log), dir);
    }
    const database = await openPgliteDatabase(dir, lock.release);
    log.info({ db: "pglite", dir, ms: Math.round(performance.now() - started) }, "embedded database ready");
    return database;
  } catch (err) {
    lock.release();
    throw err;
  }
}

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}
