// `greeninbox backup` (one backup now, like the admin page's button) and `greeninbox restore FILE`.
import type { Config } from "../config.ts";
import type { Logger } from "../lib/log.ts";
import { openDatabase } from "../db/client.ts";
import { createAuditService } from "../audit/service.ts";
import { createBackupService } from "../backups/service.ts";
import { restoreBackup } from "../backups/restore.ts";
import { BackupError } from "../backups/tools.ts";
import { usageOf } from "./usage.ts";

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

/** Returns the exit code: 0 done, 1 failed (the reason is printed), 2 usage. */
export async function runBackupCommand(args: string[], config: Config, log: Logger): Promise<number> {
  const [command, file] = args;
  try {
    if (command === "restore") {
      if (!file) {
        console.error(usageOf("restore"));
        return 2;
      }
      const result = await restoreBackup({ config, file, log });
      console.log(
        `restored ${file} into the ${result.kind === "postgres" ? "PostgreSQL database" : `embedded database in ${config.DATA_DIR}`}`,
      );
      if (result.media) console.log(`media restored from ${result.media}`);
      return 0;
    }
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, log });
    try {
      const backups = createBackupService({ config, database, log, audit: createAuditService(database.db) });
      const made = await backups.run();
      console.log(`${made.name}\t${formatBytes(made.size)}${made.media ? `\t+ ${made.media.name}` : ""}`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  }
}
