// `npm run demo`: the app on the embedded database with the fake Green-API and fake Telegram on loopback, a demo admin,
// two connected demo numbers (plus one waiting for its QR scan) and simulated customers. Configured only through the
// app's normal settings (environment + the instance form); nothing in the app knows it is a demo.
// Env: PORT (3000), HOST (127.0.0.1), DATA_DIR (./data-demo, wiped at each start), LOG_LEVEL (warn), DEMO_EVERY_MS (4000).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig, type Config } from "../../src/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { serve } from "../../src/server.ts";
import { startFakeGreenApi } from "../../test/fakes/green-api/index.ts";
import { startFakeTelegram } from "../../test/fakes/telegram/index.ts";
import { DemoAgent } from "./agent.ts";
import { startSimulation, type DemoNumber } from "./simulate.ts";

const MARKER = ".greeninbox-demo";
const env = process.env;

function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

/** The demo owns its data dir: it is wiped at each start, so it must be empty or an earlier demo's. */
function prepareDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
    fail(`${dir} holds data that is not from a demo; set DATA_DIR to an empty folder`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), "Created by `npm run demo`; deleted at the next demo start.\n");
}

const randomText = (n: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => "abcdefghjkmnpqrstuvwxyz23456789"[b % 31]).join("");

const dataDir = resolve(env.DATA_DIR || "./data-demo");
const port = env.PORT || "3000";
const host = env.HOST || "127.0.0.1";
const publicUrl = env.PUBLIC_URL || `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
const password = randomText(12);

// The outside world, on loopback: WhatsApp (via the fake Green-API) and Telegram.
const greenApi = startFakeGreenApi({ timings: { statusStepMs: 2500, startingMs: 1500, sendDelayMs: 800 } });
const telegram = startFakeTelegram();

let config: Config;
try {
  config = loadConfig({
    DATABASE_URL: "", // always the embedded database
    DATA_DIR: dataDir,
    PORT: port,
    HOST: host,
    PUBLIC_URL: publicUrl,
    ADMIN_USERNAME: "demo",
    ADMIN_PASSWORD: password,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    LOG_LEVEL: env.LOG_LEVEL || "warn",
    GREEN_API_ALLOW_PRIVATE_HOSTS: "true", // the demo's fake Green-API runs on this machine
    LOG_FILE: "",
  });
} catch (err) {
  if (err instanceof ConfigError) fail(err.lines.join("\n"));
  throw err;
}
prepareDataDir(dataDir);

const numbers = [
  { name: "Demo Shop", idInstance: 1101000001, state: "authorized", intakeMode: "webhook", phone: "14155550101" },
  { name: "Demo Café", idInstance: 1101000002, state: "authorized", intakeMode: "polling", phone: "14155550102" },
  {
    name: "New number (scan the QR)",
    idInstance: 1101000003,
    state: "notAuthorized",
    intakeMode: "polling",
    phone: "14155550103",
  },
] as const;
const tokens = numbers.map(() => randomText(40));
numbers.forEach((n, i) => {
  greenApi.control.createInstance({
    idInstance: n.idInstance,
    apiTokenInstance: tokens[i]!,
    state: n.state,
    phone: n.phone,
  });
});

const app = await serve(config, createLogger(config.LOG_LEVEL)).catch((err: Error) => fail(err.message));
const base = `http://127.0.0.1:${app.server.port}`;

const admin = new DemoAgent(base);
await admin.login("demo", password);
await (await admin.post("/settings/profile", { displayName: "Alex Morgan" })).body?.cancel();

// A Telegram channel with the bot as admin: the first number's chats are mirrored there.
const channelId = telegram.control.createChat({ type: "channel", title: "Demo Shop — WhatsApp" });
telegram.control.addBot(channelId);
async function channelKnown(): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const res = await admin.get("/instances/new");
    if ((await res.text()).includes(`value="${channelId}"`)) return true;
    await Bun.sleep(250);
  }
  return false;
}
const withChannel = await channelKnown();

async function addNumber(i: number): Promise<number> {
  const n = numbers[i]!;
  const res = await admin.post("/instances/new", {
    name: n.name,
    idInstance: String(n.idInstance),
    apiToken: tokens[i]!,
    apiUrl: greenApi.url,
    mediaUrl: greenApi.mediaUrl,
    intakeMode: n.intakeMode,
    telegramChatId: i === 0 && withChannel ? String(channelId) : "",
    autoReplyText: "",
    autoReplyIntervalHours: "12",
    markReadPolicy: "onReply",
  });
  const location = res.headers.get("location") ?? "";
  await res.body?.cancel();
  const id = /^\/instances\/(\d+)$/.exec(location)?.[1];
  if (res.status !== 303 || !id) fail(`could not add the demo number ${n.name} (HTTP ${res.status})`);
  return Number(id);
}
const appIds = [await addNumber(0), await addNumber(1), await addNumber(2)];

// Colleagues, so the users page and the chats show a team.
const colleaguePassword = randomText(12);
for (const [username, displayName, ids] of [
  ["anna", "Anna Petrova", [appIds[0]!, appIds[1]!]],
  ["lucas", "Lucas Martin", [appIds[1]!]],
] as const) {
  const res = await admin.post("/users", {
    username,
    displayName,
    password: colleaguePassword,
    instanceIds: ids.map(String),
  });
  await res.body?.cancel();
  if (res.status !== 303) fail(`could not add the demo user ${username} (HTTP ${res.status})`);
}
const anna = new DemoAgent(base);
await anna.login("anna", colleaguePassword);

// setSettings restarted the numbers; customers write once they are authorized again (inject refuses before).
const demoNumbers: [DemoNumber, DemoNumber] = [
  { appId: appIds[0]!, idInstance: numbers[0].idInstance },
  { appId: appIds[1]!, idInstance: numbers[1].idInstance },
];
for (const n of demoNumbers) {
  for (let i = 0; i < 100 && greenApi.control.inspect(n.idInstance).state !== "authorized"; i++) await Bun.sleep(100);
}
let errors = 0;
const simulation = startSimulation({
  fake: greenApi,
  numbers: demoNumbers,
  colleague: anna,
  everyMs: Number(env.DEMO_EVERY_MS) || 4000,
  onError: (err) => {
    if (errors++ < 5) console.error(`demo: ${(err as Error).message}`);
  },
});

process.stdout.write(
  [
    "",
    "  GreenInbox demo is running",
    `  Open:     ${publicUrl}`,
    `  Sign in:  demo / ${password}`,
    `  Team:     anna, lucas / ${colleaguePassword}`,
    `  Data:     ${dataDir} (wiped at the next demo start)`,
    "",
    "  Customers write to two demo numbers every few seconds; Anna answers some of them.",
    "  Reply yourself and watch the ticks; the third number waits for its QR to be scanned.",
    "  Press Ctrl+C to stop.",
    "",
    "",
  ].join("\n"),
);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  simulation.stop();
  await app.stop();
  await Promise.all([greenApi.stop(), telegram.stop()]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
