// Opens PGlite (PostgreSQL compiled to WebAssembly, inside this process) with settings for one small single-user
// process, driven by drizzle through one lean connection (pglite-connection.ts).
import type { PGliteOptions } from "@electric-sql/pglite";
import { embeddedFile } from "../lib/embedded.ts";
import type { Database, Db } from "./client.ts";
import { PgliteConnection, type Queryable } from "./pglite-connection.ts";
import * as schema from "./schema/index.ts";

/**
 * The database the app's tables live in: PGlite 0.3 opened `template1` by default and its data folders keep them there
 * (PGlite 0.4 would open `postgres`).
 */
const DATABASE = "template1";

/**
 * PostgreSQL settings (`-c` at start) for an embedded database with one user, in a process that should fit a 512 MB
 * VPS: what PGlite keeps in memory is the process's own RSS, while the files it reads stay in the kernel's page cache.
 * PGlite runs PostgreSQL in single-user mode: there is no background writer, checkpointer or autovacuum.
 */
const SETTINGS: Record<string, string> = {
  // 128MB by default, all of it resident (PGlite's shared memory is allocated and zeroed at start). Pages not in it
  // are read from the kernel's page cache, one read each: no slower here (bench/RESULTS.md, issue 20).
  shared_buffers: "4MB",
  wal_buffers: "256kB",
  // Per sort or hash, only while it runs; but the WebAssembly heap never shrinks, so its high-water mark stays.
  work_mem: "2MB",
  maintenance_work_mem: "16MB",
  temp_buffers: "2MB",
  // One backend: no other sessions to size shared memory (locks, process slots) for.
  max_connections: "4",
  // How many WAL segments a checkpoint keeps for reuse (default 80MB).
  min_wal_size: "32MB",
};

/**
 * Single-user mode never checkpoints by itself (only at shutdown, or when asked): pg_wal would grow without end and a
 * crash would replay all of it. So, as the checkpointer does at max_wal_size: a checkpoint once this much WAL was
 * written since the last one, checked every CHECKPOINT_CHECK_MS.
 */
const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;
const CHECKPOINT_CHECK_MS = 30_000;

/** Checkpoints when `walBytes` of WAL were written since the last checkpoint; whether it did. */
export async function checkpointIfDue(connection: Queryable, walBytes = CHECKPOINT_WAL_BYTES): Promise<boolean> {
  const { rows } = await connection.query(
    "select (pg_current_wal_insert_lsn() - redo_lsn)::float8 as wal from pg_control_checkpoint()",
  );
  if ((rows[0] as { wal: number }).wal < walBytes) return false;
  await connection.query("checkpoint");
  return true;
}

/** How PGlite is started: our database and settings; inside the single binary, its embedded wasm and data bundle. */
export async function pgliteOptions(): Promise<PGliteOptions> {
  const { PGlite } = await import("@electric-sql/pglite");
  const settings = Object.entries(SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  return { database: DATABASE, startParams: [...PGlite.defaultStartParams, ...settings], ...(await embeddedAssets()) };
}

let embeddedWasm: Promise<WebAssembly.Module> | undefined;

/** Inside the single binary PGlite cannot find its wasm and data bundle next to its module: hand it the embedded ones. */
async function embeddedAssets(): Promise<Pick<PGliteOptions, "pgliteWasmModule" | "fsBundle">> {
  const wasm = embeddedFile("pglite/pglite.wasm");
  const data = embeddedFile("pglite/pglite.data");
  if (!wasm || !data) return {};
  // Compiled once per process, as PGlite does with the wasm it finds itself.
  embeddedWasm ??= wasm.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  return { pgliteWasmModule: await embeddedWasm, fsBundle: data };
}

/**
 * Opens the embedded database in a data folder that holds one (or, `dir` null, a new one in memory: initdb runs);
 * `onClose` runs after it closed.
 */
export async function openPgliteDatabase(dir: string | null, onClose?: () => void): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const pg = await PGlite.create(dir ?? "memory://", await pgliteOptions());
  const connection = new PgliteConnection(pg);
  const db = drizzle({ client: connection as never, schema, casing: "snake_case" }) as unknown as Db;
  // A failed check (the database closing) is tried again at the next.
  const checkpoints = setInterval(() => void checkpointIfDue(connection).catch(() => {}), CHECKPOINT_CHECK_MS);
  checkpoints.unref();
  return {
    db,
    kind: "pglite",
    ping: async () => {
      await connection.query("select 1");
    },
    dumpDataDir: () =>
      connection.exclusive(async () => {
        await pg.exec("CHECKPOINT");
        return pg.dumpDataDir("gzip");
      }),
    close: async () => {
      clearInterval(checkpoints);
      await connection.exclusive(() => pg.close());
      onClose?.();
    },
  };
}
