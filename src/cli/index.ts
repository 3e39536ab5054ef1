// Command-line subcommands: migrate, user add|passwd|list, instance …, intake replay, backup, restore.
import { openDatabase } from "../db/client.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../lib/log.ts";
import { createUserService, UsernameTakenError } from "../users/service.ts";
import { USAGE, usageOf } from "./usage.ts";
import { runBackupCommand } from "./backups.ts";
import { runInstanceCommand } from "./instances.ts";
import { runIntakeCommand } from "./intake.ts";

async function readPassword(question: string): Promise<string> {
  if (process.stdin.isTTY) return (prompt(question) ?? "").trim();
  const text = await Bun.stdin.text();
  return (text.split(/\r?\n/)[0] ?? "").trim();
}

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs a non-serve subcommand; returns the exit code. */
export async function runCli(args: string[], config: Config, log: Logger): Promise<number> {
  const [command, sub, name] = args;
  if (command === "backup" || command === "restore") return runBackupCommand(args, config, log);
  if (command !== "migrate" && command !== "user" && command !== "instance" && command !== "intake") {
    console.error(USAGE);
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, log });
  try {
    if (command === "migrate") return 0;
    if (command === "instance") return await runInstanceCommand(args, config, database, log);
    if (command === "intake") return await runIntakeCommand(args, config, database, log);
    const users = createUserService(database.db);
    if (sub === "list") {
      for (const u of await users.list()) {
        const flags = [
          u.isAdmin && "admin",
          u.canManageUsers && "users",
          u.canManageInstances && "instances",
          u.disabled && "disabled",
        ].filter(Boolean);
        console.log(`${u.username}\t${u.displayName}\t${flags.join(",") || "-"}`);
      }
      return 0;
    }
    if ((sub === "add" || sub === "passwd") && name) {
      const password = await readPassword(`Password for ${name}: `);
      try {
        if (sub === "add") {
          await users.create({
            username: name,
            password,
            displayName: flagValue(args, "--display-name"),
            isAdmin: args.includes("--admin"),
          });
          console.log(`created user ${name}${args.includes("--admin") ? " (admin)" : ""}`);
        } else {
          const user = await users.findByUsername(name);
          if (!user) {
            console.error(`no user named ${name}`);
            return 1;
          }
          await users.setPassword(user.id, password);
          console.log(`password changed for ${name}`);
        }
        return 0;
      } catch (err) {
        if (err instanceof UsernameTakenError) console.error(err.message);
        else if (err instanceof Error && err.name === "ZodError")
          console.error(
            `invalid input: ${(err as unknown as { issues: { message: string }[] }).issues.map((i) => i.message).join("; ")}`,
          );
        else throw err;
        return 1;
      }
    }
    console.error(usageOf("user"));
    return 2;
  } finally {
    await database.close();
  }
}
