// Structured JSON logging (pino) with secret redaction; one root logger, children per module/request.
// Lines go to stdout, or with LOG_FILE to a file rotated daily and by size (pino-roll), keeping LOG_MAX_FILES.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import pino, { type Logger } from "pino";
import pinoRoll from "pino-roll";

export type { Logger };

const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "apiTokenInstance",
  "*.apiTokenInstance",
  "cookie",
  "*.cookie",
  "headers.cookie",
  "headers.authorization",
  "secret",
  "*.secret",
];

/** A failed query's error carries its parameters (customer texts, media URLs…) in `params` and in its message. */
const PARAM_KEYS = new Set(["params", "parameters"]);

/** The string parameters of an error and its causes (Drizzle's DrizzleQueryError, postgres.js errors). */
function paramValues(err: unknown, seen = new Set<unknown>()): string[] {
  if (typeof err !== "object" || err === null || seen.has(err)) return [];
  seen.add(err);
  const own = [...PARAM_KEYS].flatMap((k) => {
    const v = (err as Record<string, unknown>)[k];
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === "string" && p.length >= 3) : [];
  });
  return [...own, ...paramValues((err as { cause?: unknown }).cause, seen)];
}

/** The serialized error without its query parameters: the keys go, and every occurrence of a value in its texts. */
function scrub(value: unknown, params: string[]): unknown {
  if (typeof value === "string") {
    let text = value.replace(/\nparams: .*/g, "\nparams: [redacted]");
    for (const p of params) text = text.split(p).join("[param]");
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, params));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !PARAM_KEYS.has(k))
      .map(([k, v]) => [k, scrub(v, params)]),
  );
}

/** Errors as pino serializes them, with query parameters left out unless the level is debug or trace. */
function errSerializer(level: string) {
  const verbose = level === "debug" || level === "trace";
  return (err: Error): unknown => {
    const out = pino.stdSerializers.err(err);
    return verbose
      ? out
      : scrub(
          out,
          paramValues(err).sort((a, b) => b.length - a.length),
        );
  };
}

/** Creates the process-wide logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      base: undefined,
      serializers: { err: errSerializer(level) },
    },
    destination,
  );
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
