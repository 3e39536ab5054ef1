// Backups: a consistent database dump (pg_dump -Fc, or PGlite's data-dir tarball) plus optional media archive in
// DATA_DIR/backups, on a schedule and on demand; the newest BACKUP_MAX_FILES are kept.
import { Cron } from "croner";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { metrics } from "../metrics/index.ts";
import type { AuditService } from "../audit/service.ts";
import { backupDir, backupStem, fileName, listBackups, resolveBackup, rotate, type BackupFile } from "./files.ts";
import { BackupError, defaultTools, libpqTarget, runTool, type BackupTools } from "./tools.ts";

export interface BackupStatus {
  running: boolean;
  /** The last failure (cleared by the next success). */
  lastError: { at: Date; message: string } | null;
}

export interface BackupService {
  list(): BackupFile[];
  status(): BackupStatus;
  /** Takes a backup now (a second call while one runs waits for that one); returns the database file. */
  run(by?: { userId: number; actor: string }): Promise<BackupFile>;
  /** Full path of a backup file by its name, or null (unknown name, missing file, anything path-like). */
  path(name: string): string | null;
  /** Starts the schedule (every BACKUP_INTERVAL_HOURS after the newest backup; off when 0). */
  start(): void;
  /** Stops the schedule and waits for a running backup. */
  stop(): Promise<void>;
}

export interface BackupOptions {
  config: Pick<Config, "DATA_DIR" | "BACKUP_INTERVAL_HOURS" | "BACKUP_MAX_FILES" | "BACKUP_INCLUDE_MEDIA">;
  database: Pick<Database, "kind" | "postgres" | "dumpDataDir">;
  log: Logger;
  audit?: Pick<AuditService, "record">;
  tools?: Partial<BackupTools>;
}

/** Whether the schedule should take a backup now: the newest is an interval old (or none), and no failure in the last hour. */
export function backupDue(s: {
  newestAt: number | null;
  lastErrorAt: number | null;
  intervalMs: number;
  now: number;
}): boolean {
  if (s.newestAt !== null && s.now - s.newestAt < s.intervalMs) return false;
  return s.lastErrorAt === null || s.now - s.lastErrorAt >= 3_600_000;
}

export function createBackupService(opts: BackupOptions): BackupService {
  const { config, database, log } = opts;
  const tools = { ...defaultTools, ...opts.tools };
  const dir = backupDir(config.DATA_DIR);
  let current: Promise<BackupFile> | null = null;
  let lastError: BackupStatus["lastError"] = null;
  let cron: Cron | null = null;

  async function dumpDatabase(target: string): Promise<void> {
    if (database.kind === "postgres") {
      if (!database.postgres) throw new BackupError("no PostgreSQL connection URL", "failed");
      const { url, env } = libpqTarget(database.postgres.url);
      await runTool(
        tools.pgDump,
        ["--format=custom", "--no-owner", "--no-privileges", `--file=${target}`, `--dbname=${url}`],
        env,
      );
    } else {
      if (!database.dumpDataDir) throw new BackupError("the embedded database cannot be dumped", "failed");
      await Bun.write(target, await database.dumpDataDir());
    }
  }

  async function takeBackup(by?: { userId: number; actor: string }): Promise<BackupFile> {
    const started = performance.now();
    mkdirSync(dir, { recursive: true });
    const stem = backupStem(new Date(), dir);
    const dbName = fileName(stem, database.kind);
    // Written under a temporary name and renamed, so a half-written file is never listed, downloaded or rotated.
    const partial = join(dir, `.${dbName}.partial`);
    try {
      await dumpDatabase(partial);
      renameSync(partial, join(dir, dbName));
      const mediaDir = join(config.DATA_DIR, "media");
      if (config.BACKUP_INCLUDE_MEDIA && existsSync(mediaDir)) {
        const mediaName = fileName(stem, "media");
        const mediaPartial = join(dir, `.${mediaName}.partial`);
        await runTool(tools.tar, ["-czf", mediaPartial, "-C", config.DATA_DIR, "media"]);
        renameSync(mediaPartial, join(dir, mediaName));
      }
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
    const removed = rotate(dir, config.BACKUP_MAX_FILES);
    const file = listBackups(dir).find((b) => b.name === dbName)!;
    log.info(
      { file: dbName, bytes: file.size, media: file.media?.name, removed, ms: Math.round(performance.now() - started) },
      "backup written",
    );
    await opts.audit
      ?.record({
        action: "backup.created",
        userId: by?.userId ?? null,
        actor: by?.actor ?? null,
        target: dbName,
        details: { bytes: file.size },
      })
      .catch((err) => log.warn({ err }, "could not record the backup in the audit log"));
    return file;
  }

  const service: BackupService = {
    list: () => listBackups(dir),
    status: () => ({ running: current !== null, lastError }),
    path: (name) => resolveBackup(dir, name),
    run(by) {
      current ??= takeBackup(by)
        .then(
          (file) => {
            lastError = null;
            return file;
          },
          (err: unknown) => {
            const message = err instanceof BackupError ? err.message : `backup failed: ${(err as Error).message}`;
            lastError = { at: new Date(), message };
            metrics.backupFailures.inc();
            log.error({ err: err instanceof BackupError ? undefined : err, reason: message }, "backup failed");
            throw err instanceof BackupError ? err : new BackupError(message, "failed");
          },
        )
        .finally(() => {
          current = null;
        });
      return current;
    },
    start() {
      if (cron || config.BACKUP_INTERVAL_HOURS === 0) return;
      const intervalMs = config.BACKUP_INTERVAL_HOURS * 3_600_000;
      // Checked every minute against the newest file, so restarts neither skip nor repeat a backup.
      cron = new Cron("30 * * * * *", { name: "backups", protect: true, catch: () => {} }, async () => {
        const newest = listBackups(dir)[0];
        const newestAt = newest ? statSync(join(dir, newest.name)).mtimeMs : null;
        if (!backupDue({ newestAt, lastErrorAt: lastError?.at.getTime() ?? null, intervalMs, now: Date.now() })) return;
        await service.run().catch(() => {}); // logged and shown on the page by run()
      });
    },
    async stop() {
      cron?.stop();
      cron = null;
      await current?.catch(() => {});
    },
  };
  return service;
}
