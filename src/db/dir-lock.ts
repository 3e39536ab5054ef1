// A PID lock file for the embedded database: PGlite does not lock its data dir and two writers corrupt it.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `<dataDir>/greeninbox.lock`; a stale lock (dead PID) is taken over. */
export function acquireDirLock(dataDir: string): { release(): void } {
  const file = join(dataDir, "greeninbox.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid)) {
        throw new DataDirLockedError(
          `the embedded database in ${dataDir} is in use by another GreenInbox process (pid ${pid}); stop it first or set DATABASE_URL to share a PostgreSQL server`,
        );
      }
      unlinkSync(file);
    }
  }
  throw new DataDirLockedError(`could not lock ${file}`);
}
