// `greeninbox restore FILE`: loads a backup into an EMPTY database (PostgreSQL via pg_restore, PGlite via loadDataDir),
// then applies newer migrations and records "backup.restored" in the audit log. Never overwrites existing data.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../lib/log.ts";
import { openDatabase } from "../db/client.ts";
import { pgliteOptions } from "../db/pglite.ts";
import { acquireDirLock } from "../db/dir-lock.ts";
import { createAuditService } from "../audit/service.ts";
import { fileName, parseName } from "./files.ts";
import { BackupError, defaultTools, libpqTarget, runTool, type BackupTools } from "./tools.ts";

export interface RestoreOptions {
  config: Pick<Config, "DATABASE_URL" | "DATA_DIR">;
  file: string;
  log: Logger;
  tools?: Partial<BackupTools>;
}

export interface RestoreResult {
  kind: "postgres" | "pglite";
  /** The media archive unpacked into DATA_DIR/media, if there was one next to the backup. */
  media: string | null;
}

function kindOf(file: string): "postgres" | "pglite" | null {
  if (/\.dump$/i.test(file)) return "postgres";
  if (/\.(tar\.gz|tgz|tar)$/i.test(file) && !/-media\.tar\.gz$/i.test(file)) return "pglite";
  return null;
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const { config, file, log } = opts;
  const tools = { ...defaultTools, ...opts.tools };
  if (!existsSync(file)) throw new BackupError(`no such file: ${file}`, "badFile");
  const kind = kindOf(file);
  if (!kind)
    throw new BackupError(`${file} is not a GreenInbox backup (expected a .dump or a .pglite.tar.gz file)`, "badFile");
  if (kind === "postgres" && !config.DATABASE_URL)
    throw new BackupError(
      "this is a PostgreSQL backup: set DATABASE_URL to an empty PostgreSQL database to restore it",
      "badFile",
    );
  if (kind === "pglite" && config.DATABASE_URL)
    throw new BackupError(
      "this is a backup of the embedded database: unset DATABASE_URL to restore it into DATA_DIR",
      "badFile",
    );

  if (kind === "postgres") await restorePostgres(config.DATABASE_URL!, file, tools, log);
  else await restorePglite(config.DATA_DIR, file);

  const media = await restoreMedia(config.DATA_DIR, file, tools);
  // Newer migrations apply to an older backup here, before anything else opens it.
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, log });
  try {
    await createAuditService(database.db).record({
      action: "backup.restored",
      actor: "cli",
      target: basename(file),
      details: { kind, media: media !== null },
    });
  } finally {
    await database.close();
  }
  return { kind, media };
}

async function restorePostgres(databaseUrl: string, file: string, tools: BackupTools, log: Logger): Promise<void> {
  const database = await openDatabase({ databaseUrl, dataDir: "unused", log, migrate: false });
  try {
    // Hand-written: a catalog query (pg_class), before any migration could make the app's tables exist.
    const [row] = await database.postgres!.sql<{ n: number }[]>`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`;
    const count = row?.n ?? 0;
    if (count > 0)
      throw new BackupError(
        `the database in DATABASE_URL is not empty (${count} tables or sequences): restore needs an empty database, e.g. createdb greeninbox_restored, then point DATABASE_URL at it`,
        "notEmpty",
      );
  } finally {
    await database.close();
  }
  const { url, env } = libpqTarget(databaseUrl);
  await runTool(
    tools.pgRestore,
    ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", `--dbname=${url}`, file],
    env,
  );
}

async function restorePglite(dataDir: string, file: string): Promise<void> {
  const dir = join(dataDir, "pglite");
  if (existsSync(join(dir, "PG_VERSION")))
    throw new BackupError(
      `${dir} already holds a database: restore needs an empty DATA_DIR (move the pglite folder away first)`,
      "notEmpty",
    );
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create(dir, { ...(await pgliteOptions()), loadDataDir: Bun.file(file) });
    await client.close();
  } finally {
    lock.release();
  }
}

/** Unpacks the media archive taken with this backup into DATA_DIR/media when that folder is missing or empty. */
async function restoreMedia(dataDir: string, file: string, tools: BackupTools): Promise<string | null> {
  const parsed = parseName(basename(file));
  if (!parsed) return null;
  const archive = join(dirname(file), fileName(parsed.stem, "media"));
  if (!existsSync(archive)) return null;
  const mediaDir = join(dataDir, "media");
  if (existsSync(mediaDir) && readdirSync(mediaDir).length > 0) return null;
  mkdirSync(dataDir, { recursive: true });
  await runTool(tools.tar, ["-xzf", archive, "-C", dataDir]);
  return archive;
}
