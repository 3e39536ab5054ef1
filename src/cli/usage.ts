// Every command's usage, and the commands that need neither configuration nor the app: help and version. Kept free of
// heavy imports so they answer at once.
import pkg from "../../package.json" with { type: "json" };

/** Each command's usage: its forms, then what it does. */
const COMMANDS: Record<string, string> = {
  serve: `  greeninbox [serve]
      Runs the web app, the Telegram bot and the background work (the
      default). Logs JSON lines to standard output.`,
  migrate: `  greeninbox migrate
      Applies the database migrations, then exits (serve does it too, at start).`,
  user: `  greeninbox user add NAME [--admin] [--display-name TEXT]
  greeninbox user passwd NAME
  greeninbox user list
      Creates a user, sets a user's password, lists the users. Passwords are
      read from standard input (one line), or asked for on a terminal.`,
  instance: `  greeninbox instance add --name NAME --id ID_INSTANCE --token-file FILE|-
                          [--api-url URL] [--media-url URL]
                          [--mode webhook|polling] [--telegram-chat ID]
  greeninbox instance list
  greeninbox instance remove ID [--keep-history]
      Connects a WhatsApp number (checked with Green-API, as the web form
      does), lists the numbers, removes one with its history (with
      --keep-history: disables it and keeps its chats). The API token is read
      from FILE, or from standard input with -, never from the arguments.
      ID: the idInstance or the app's instance number.`,
  intake: `  greeninbox intake replay [--instance ID]
      Processes quarantined notifications again (after an upgrade): every
      number's, or one number's (ID: the idInstance or the app's instance
      number).`,
  backup: `  greeninbox backup
      Takes one backup now into DATA_DIR/backups (as the admin page's "Back
      up now") and prints its name and size.`,
  restore: `  greeninbox restore FILE
      Restores a backup into an empty database: the PostgreSQL one
      DATABASE_URL names, or an empty DATA_DIR.`,
  version: `  greeninbox version
      Prints the version (also --version).`,
  help: `  greeninbox help [COMMAND]
      Prints this help, or one command's (also --help, -h, and COMMAND --help).`,
};

export const USAGE = `usage:
${Object.values(COMMANDS).join("\n")}

Settings come from environment variables (see .env.example); an invalid one
stops start-up with exit code 2.`;

/** One command's usage, or everything's. */
export function usageOf(command: string | undefined): string {
  return command !== undefined && Object.hasOwn(COMMANDS, command) ? `usage:\n${COMMANDS[command]}` : USAGE;
}

const HELP_FLAGS = new Set(["--help", "-h"]);

/**
 * Help and version, which need no configuration (they work while the environment is invalid). Returns the exit code,
 * or null for every other command. Help about an unknown command is a usage error.
 */
export function runInfoCommand(args: string[]): number | null {
  const [first = ""] = args;
  if (first === "help" || args.some((a) => HELP_FLAGS.has(a))) {
    // `help [COMMAND]`, `--help`, or `COMMAND … --help`.
    const topic = first === "help" ? args[1] : HELP_FLAGS.has(first) ? undefined : first;
    if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) {
      console.error(USAGE);
      return 2;
    }
    console.log(usageOf(topic));
    return 0;
  }
  if (first === "version" || first === "--version") {
    console.log(`greeninbox ${pkg.version} (bun ${Bun.version})`);
    return 0;
  }
  return null;
}
