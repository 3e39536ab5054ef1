// Structured JSON logging (pino) with secret redaction; one root logger, children per module/request.
// Lines go to stdout, or with LOG_FILE to a file rotated daily and by size (pino-roll), keeping LOG_MAX_FILES.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import pino, { type Logger } from "pino";
import pinoRoll from "pino-roll";

export type { Logger };

const REDACT = [
  "password", "*.password", "token", "*.token", "apiTokenInstance", "*.apiTokenInstance",
  "cookie", "*.cookie", "headers.cookie", "headers.authorization", "secret", "*.secret",
];

/** Creates the process-wide logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: undefined }, destination);
}

export interface LogFileOptions {
  LOG_FILE?: string;
  LOG_MAX_SIZE: string;
  LOG_MAX_FILES: number;
}

/**
 * The rolling file stream for LOG_FILE (undefined without it: stdout). Files are named like `app.1.log`, `app.2.log`;
 * a new one starts each day and whenever the current one reaches LOG_MAX_SIZE; LOG_MAX_FILES are kept,
 * counting files of earlier runs.
 * Writes are synchronous so nothing is lost when the process exits.
 */
export async function openLogFile(config: LogFileOptions): Promise<pino.DestinationStream | undefined> {
  if (!config.LOG_FILE) return undefined;
  const file = resolve(config.LOG_FILE);
  mkdirSync(dirname(file), { recursive: true });
  // Counting every matching file in the folder (not only this process's), so files of earlier runs go too.
  const limit = { count: config.LOG_MAX_FILES, removeOtherLogFiles: true };
  return pinoRoll({ file, size: config.LOG_MAX_SIZE, frequency: "daily", limit, mkdir: true, sync: true });
}

/** The process logger as configured: stdout, or the rotated LOG_FILE. */
export async function createConfiguredLogger(level: string, config: LogFileOptions): Promise<Logger> {
  return createLogger(level, await openLogFile(config));
}
