// Entry point: parses config (exit 2 on bad values), then serves or runs a CLI subcommand.
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createConfiguredLogger, createLogger } from "./lib/log.ts";
import { serve } from "./server.ts";
import { runCli } from "./cli.ts";
import { DataDirLockedError } from "./db/dir-lock.ts";
import { DatabaseUnavailableError } from "./db/client.ts";

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  for (const line of err.lines) console.error(line);
  process.exit(2);
}

const args = process.argv.slice(2);
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
  const running = await serve(config, log).catch(fail);
  const shutdown = (signal: string) => {
    log.info({ signal }, "signal received");
    running.stop().then(
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
  process.exit(await runCli(args, config, log).catch(fail));
}
