// Structured JSON logging (pino) with secret redaction; one root logger, children per module/request.
import pino, { type Logger } from "pino";

export type { Logger };

const REDACT = [
  "password", "*.password", "token", "*.token", "apiTokenInstance", "*.apiTokenInstance",
  "cookie", "*.cookie", "headers.cookie", "headers.authorization", "secret", "*.secret",
];

/** Creates the process-wide logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: undefined }, destination);
}
