// `instance add | list | remove` on the command line: the same verification and Green-API settings as the web form
// (src/instances/manage.ts). The API token comes from a file or standard input, never from the arguments.
import { readFileSync } from "node:fs";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { createDeps } from "../deps.ts";
import type { AppDeps } from "../env.ts";
import { translator } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { parseInstanceForm } from "../instances/form.ts";
import { createInstance, type Actor } from "../instances/manage.ts";
import { describeProblem } from "../instances/problems.ts";
import { deleteInstance, retireInstance } from "../instances/retire.ts";
import type { InstanceRow } from "../instances/service.ts";
import { usageOf } from "./usage.ts";

const ACTOR: Actor = { userId: null, username: "cli", ip: "cli" };
const t = translator("en");

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readToken(source: string): Promise<string> {
  const text = source === "-" ? await Bun.stdin.text() : readFileSync(source, "utf8");
  return (text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "").trim();
}

/** Runs `instance …`; returns the exit code. Background work (polling) is the server's: none runs here. */
export async function runInstanceCommand(
  args: string[],
  config: Config,
  database: Database,
  log: Logger,
): Promise<number> {
  const sub = args[1];
  const deps = createDeps(config, database, log);
  // Polling belongs to the running server (its state job starts loops for new polling numbers): none starts here.
  deps.poller = { start() {}, async stop() {}, async stopAll() {}, active: [] };
  try {
    if (sub === "list") return await list(deps);
    if (sub === "add") return await add(deps, args);
    if (sub === "remove" && args[2]) return await remove(deps, args[2], args.includes("--keep-history"));
    console.error(usageOf("instance"));
    return 2;
  } finally {
    deps.qr.stopAll();
    deps.gateway.limiter.stop();
  }
}

async function list(deps: AppDeps): Promise<number> {
  for (const r of await deps.instances.listRows()) {
    const wid = r.wid ? `+${r.wid.replace(/@.*/, "")}` : "-";
    console.log(
      [r.id, r.idInstance, r.name, r.state, r.intakeMode, r.enabled ? "enabled" : "disabled", wid].join("\t"),
    );
  }
  return 0;
}

async function add(deps: AppDeps, args: string[]): Promise<number> {
  if (args.some((a) => a === "--token" || a.startsWith("--token=") || a === "--api-token")) {
    console.error(
      "the API token is read from a file (--token-file FILE) or standard input (--token-file -), never from the command line",
    );
    return 2;
  }
  const tokenFile = flag(args, "--token-file");
  if (!tokenFile) {
    console.error("--token-file FILE|- is required");
    return 2;
  }
  let apiToken: string;
  try {
    apiToken = await readToken(tokenFile);
  } catch (err) {
    console.error(`cannot read the token file: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    return 1;
  }
  const webhookAllowed = Boolean(deps.config.PUBLIC_URL);
  const telegram = await deps.instances.telegramChoices();
  const body: Record<string, string> = {
    name: flag(args, "--name") ?? "",
    idInstance: flag(args, "--id") ?? "",
    apiToken,
    apiUrl: flag(args, "--api-url") ?? "",
    mediaUrl: flag(args, "--media-url") ?? "",
    intakeMode: flag(args, "--mode") ?? (webhookAllowed ? "webhook" : "polling"),
    telegramChatId: flag(args, "--telegram-chat") ?? "",
    autoReplyText: "",
    autoReplyIntervalHours: String(deps.config.AUTO_REPLY_INTERVAL_HOURS),
    markReadPolicy: "onReply",
  };
  const parsed = parseInstanceForm(body, {
    creating: true,
    webhookAllowed,
    telegramChatIds: telegram.map((c) => c.id),
  });
  if (!parsed.ok) {
    for (const [field, key] of Object.entries(parsed.errors)) console.error(`${field}: ${t(key)}`);
    return 1;
  }
  const saved = await createInstance(deps, ACTOR, parsed.data);
  if (!saved.ok) {
    for (const [field, key] of Object.entries(saved.fieldErrors ?? {})) console.error(`${field}: ${t(key)}`);
    if (saved.problem) console.error(describeProblem(t, saved.problem));
    return 1;
  }
  console.log(
    `created instance ${saved.row.id} "${saved.row.name}" (idInstance ${saved.row.idInstance}, ${saved.row.intakeMode}, state ${saved.row.state})`,
  );
  if (saved.settingsProblem) {
    console.error(describeProblem(t, saved.settingsProblem));
    return 1;
  }
  if (saved.row.intakeMode === "polling") console.log("the running server starts polling it within a minute");
  return 0;
}

async function find(deps: AppDeps, id: string): Promise<InstanceRow | undefined> {
  if (!/^\d{1,10}$/.test(id)) return undefined;
  const byIdInstance = await deps.instances.findByIdInstance(Number(id));
  const rowId = byIdInstance?.id ?? (Number(id) <= 2_147_483_647 ? Number(id) : NaN);
  return Number.isNaN(rowId) ? undefined : deps.instances.getRow(rowId);
}

async function remove(deps: AppDeps, id: string, keepHistory: boolean): Promise<number> {
  const row = await find(deps, id);
  if (!row) {
    console.error(`no instance ${id}`);
    return 1;
  }
  if (keepHistory) {
    await retireInstance(deps, ACTOR, row);
    console.log(`disabled instance ${row.id} "${row.name}"; its chats and messages are kept`);
  } else {
    await deleteInstance(deps, ACTOR, row);
    console.log(`removed instance ${row.id} "${row.name}" and its history`);
  }
  return 0;
}
