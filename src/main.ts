// Entry point: help and version (no configuration needed), then config (exit 2 on bad values), then serve or a CLI
// subcommand. SIGTERM/SIGINT stop the server gracefully within STOP_TIMEOUT_MS.
import type { Config } from "./config.ts";
import type { Running } from "./server.ts";
import { runInfoCommand } from "./cli/usage.ts";

/** How long a stop may take after the signal (start-up still running included); systemd's TimeoutStopSec is longer. */
const STOP_TIMEOUT_MS = 10_000;

const args = process.argv.slice(2);
const info = runInfoCommand(args);
if (info !== null) process.exit(info);

// The app is loaded only now, so help and version answer at once.
const { ConfigError, loadConfig } = await import("./config.ts");
const { createConfiguredLogger, createLogger } = await import("./lib/log.ts");
const { DataDirLockedError } = await import("./db/dir-lock.ts");
const { DatabaseUnavailableError } = await import("./db/client.ts");

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  for (const line of err.lines) console.error(line);
  process.exit(2);
}

const command = args[0] ?? "serve";
// CLI output is for humans: keep the log quiet there unless asked.
// The server logs to stdout, or to the rotated LOG_FILE when set.
const log = command === "serve" ? await createConfiguredLogger(config.LOG_LEVEL, config) : createLogger("warn");

function fail(err: unknown): never {
  if (err instanceof DataDirLockedError || err instanceof DatabaseUnavailableError) {
    log.fatal(err.message);
    console.error(`error: ${err.message}`);
  } else if ((err as { code?: string }).code === "EADDRINUSE") {
    log.fatal({ port: config.PORT }, "port in use");
    console.error(`error: port ${config.PORT} is already in use (set PORT to another port)`);
  } else {
    log.fatal({ err }, "start-up failed");
  }
  process.exit(1);
}

if (command === "serve") {
  const { serve } = await import("./server.ts");
  let running: Running | null = null;
  const starting = serve(config, log).then((r) => (running = r), fail);
  let signalled = false;
  const shutdown = (signal: string) => {
    // Once is enough: a stop in progress ends within the bound anyway.
    if (signalled) return;
    signalled = true;
    log.info({ signal }, "signal received");
    setTimeout(() => {
      const waitingFor = running?.waitingFor() ?? "start-up";
      log.error(
        { waitingFor },
        `shutdown did not finish within ${STOP_TIMEOUT_MS / 1000} s (still waiting for ${waitingFor}): exiting`,
      );
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    starting
      .then((r) => r.stop())
      .then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} else {
  const { runCli } = await import("./cli/index.ts");
  process.exit(await runCli(args, config, log).catch(fail));
}
