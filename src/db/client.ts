// Opens the database: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise embedded PGlite in DATA_DIR.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Logger } from "../lib/log.ts";
import * as schema from "./schema/index.ts";
import { acquireDirLock } from "./dir-lock.ts";
import { runMigrations } from "./migrate.ts";
import { embeddedFile } from "../lib/embedded.ts";

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
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.log) : await openPglite(opts.dataDir, opts.log);
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
        return (query: string, args: unknown[] = [], options?: object) => target.unsafe(query, args as never, { ...options, prepare: args.length <= PREPARED_MAX_PARAMETERS });
      }
      if (key === "begin" || key === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: import("postgres").TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).call(target, ...args, (tx: import("postgres").TransactionSql) => fn(preparing(tx)));
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
  const db = drizzle(preparing(client), { schema });
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
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(dataDir);
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  log.info({ db: "pglite", dir }, "opening embedded database (the first start initialises it and takes a few seconds)");
  const started = performance.now();
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create(dir, await pgliteAssets());
  } catch (err) {
    lock.release();
    throw err;
  }
  log.info({ db: "pglite", ms: Math.round(performance.now() - started) }, "embedded database ready");
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    ping: async () => {
      await client.query("select 1");
    },
    dumpDataDir: async () => {
      await client.exec("CHECKPOINT");
      return client.dumpDataDir("gzip");
    },
    close: async () => {
      await client.close();
      lock.release();
    },
  };
}

/** Inside the single binary PGlite cannot find its wasm and data bundle next to its module: hand it the embedded ones. */
export async function pgliteAssets(): Promise<{ wasmModule?: WebAssembly.Module; fsBundle?: Blob }> {
  const wasm = embeddedFile("pglite/pglite.wasm");
  const data = embeddedFile("pglite/pglite.data");
  if (!wasm || !data) return {};
  return { wasmModule: await WebAssembly.compile(await wasm.arrayBuffer()), fsBundle: data };
}

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}
