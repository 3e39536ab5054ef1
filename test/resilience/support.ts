// Several real app processes (`bun src/main.ts serve`) on one PostgreSQL database, the fake Green-API, and an admin.
// Uses the server in DATABASE_URL (a fresh database, dropped at the end); without it, a throwaway PostgreSQL cluster in a
// temp dir (initdb from /usr/lib/postgresql/*/bin), since several processes cannot share PGlite.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { instances } from "../../src/db/schema/index.ts";
import { createUserService } from "../../src/users/service.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent } from "../support/app.ts";
import { testLog } from "../support/db.ts";
import { freePort, start, type Proc } from "../process/support.ts";

export const ID_INSTANCE = 7103888001;
const API_TOKEN = "abcdef0123456789abcdef0123456789abcdef0123456789ab";
const WEBHOOK_TOKEN = "w".repeat(32);
export const ADMIN = { username: "boss", password: "boss-password" };

/** A throwaway PostgreSQL server (initdb + pg_ctl as the postgres user when running as root). */
export async function throwawayServer(): Promise<{
  url: string;
  stop(): Promise<void>;
  halt(): Promise<void>;
  resume(): Promise<void>;
}> {
  const base = "/usr/lib/postgresql";
  const version = readdirSync(base).sort().at(-1);
  if (!version) throw new Error("no DATABASE_URL and no PostgreSQL binaries in /usr/lib/postgresql");
  const bin = join(base, version, "bin");
  const dir = mkdtempSync(join(tmpdir(), "gi-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = freePort();
  const asPg = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  const sh = async (args: string[]) => {
    const p = Bun.spawn([...asPg, ...args], { stdout: "pipe", stderr: "pipe" });
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    if (code !== 0) throw new Error(`${args[0]} failed: ${err}`);
  };
  await sh([join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const startServer = () => sh([join(bin, "pg_ctl"), "-D", data, "-o", opts, "-w", "-l", join(dir, "log"), "start"]);
  await startServer();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** Stops the server at once (connections drop, as in a crash); `resume` starts it again on the same port. */
    halt: () => sh([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]),
    resume: startServer,
    async stop() {
      await sh([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Cluster {
  fake: FakeGreenApi;
  /** The test's own connection to the app's database (for assertions). */
  database: Database;
  sql: postgres.Sql;
  instanceId: number;
  chatId: number;
  waChatId: string;
  /** Starts one app process on a free port and waits until it serves. */
  spawn(): Promise<App>;
  /** With `ownServer`: stops PostgreSQL abruptly, and starts it again. */
  haltDatabase(): Promise<void>;
  resumeDatabase(): Promise<void>;
  close(): Promise<void>;
}

export interface App {
  port: number;
  url: string;
  proc: Proc;
  isLeader(): boolean;
  kill(): Promise<void>;
}

/** `ownServer`: always a throwaway PostgreSQL (a test that restarts it must not touch a shared server). */
export async function startCluster(opts: {
  intakeMode: "webhook" | "polling";
  env?: Record<string, string>;
  ownServer?: boolean;
}): Promise<Cluster> {
  const fake = startFakeGreenApi({ timings: { sendDelayMs: 1 } });
  fake.control.createInstance({
    idInstance: ID_INSTANCE,
    apiTokenInstance: API_TOKEN,
    state: "authorized",
    settings: { outgoingWebhook: "no", incomingWebhook: "yes" },
  });
  const serverUrl = opts.ownServer ? undefined : loadConfig().DATABASE_URL;
  const server = serverUrl ? null : await throwawayServer();
  const admin = postgres(serverUrl ?? server!.url, { max: 1, onnotice: () => {} });
  const name = `gi_resilience_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl ?? server!.url);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: "unused", log: testLog });
  const [row] = await database.db
    .insert(instances)
    .values({
      name: "Shared",
      idInstance: ID_INSTANCE,
      apiToken: API_TOKEN,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: WEBHOOK_TOKEN,
      intakeMode: opts.intakeMode,
      state: "authorized",
    })
    .returning();
  await createUserService(database.db).create({ ...ADMIN, isAdmin: true });
  const sql = postgres(url.toString(), { max: 4, onnotice: () => {} });
  const waChatId = "79005550001@c.us";
  const [chat] = await sql<
    { id: number }[]
  >`insert into chats (instance_id, wa_chat_id, last_message_at) values (${row!.id}, ${waChatId}, now()) returning id`;
  const apps: App[] = [];

  return {
    fake,
    database,
    sql,
    instanceId: row!.id,
    chatId: Number(chat!.id),
    waChatId,
    haltDatabase: () => server!.halt(),
    resumeDatabase: () => server!.resume(),
    async spawn() {
      const port = freePort();
      const env = {
        DATABASE_URL: url.toString(),
        PORT: String(port),
        HOST: "127.0.0.1",
        OUTBOX_RECONCILE_SECONDS: "2",
        LOG_LEVEL: "info",
        POLL_TIMEOUT_SECONDS: "5",
        GREEN_API_ALLOW_PRIVATE_HOSTS: "true",
        ...opts.env,
      };
      const proc = start(["serve"], env);
      await proc.waitFor(/"msg":"ready"/, 30_000);
      const app: App = {
        port,
        url: `http://127.0.0.1:${port}`,
        proc,
        // The last leadership line of the log tells.
        isLeader: () => {
          const out = proc.output();
          return (
            out.lastIndexOf("this process is the leader") > out.lastIndexOf("leadership lost") &&
            proc.proc.exitCode === null &&
            !proc.proc.killed
          );
        },
        async kill() {
          proc.proc.kill("SIGKILL");
          await proc.proc.exited;
        },
      };
      apps.push(app);
      return app;
    },
    async close() {
      for (const app of apps) {
        if (app.proc.proc.exitCode === null) {
          app.proc.proc.kill("SIGTERM");
          await app.proc.proc.exited;
        }
      }
      await sql.end();
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      await server?.stop();
      await fake.stop();
    },
  };
}

/** A signed-in admin on one process. */
export async function signIn(app: App): Promise<Agent> {
  const agent = new Agent(app.url);
  const res = await agent.login(ADMIN.username, ADMIN.password);
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return agent;
}

/** An incoming text message as Green-API posts it to the webhook. */
export function incoming(idMessage: string, text: string, chatId = "79005550001@c.us"): Record<string, unknown> {
  return {
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance: ID_INSTANCE, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage,
    senderData: { chatId, chatName: "Client", sender: chatId, senderName: "Client" },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  };
}

/** Posts one webhook to a process; the HTTP status, or null when the connection failed. */
export async function postWebhook(app: { url: string }, instanceId: number, body: unknown): Promise<number | null> {
  try {
    const res = await fetch(`${app.url}/webhooks/green-api/${instanceId}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

/** A manager's reply through the web (JSON answer); true when the app accepted it. */
export async function sendReply(
  agent: Agent,
  instanceId: number,
  chatId: number,
  text: string,
  key: string,
): Promise<boolean> {
  try {
    const res = await agent.post(
      `/instances/${instanceId}/chats/${chatId}/messages`,
      { text, key },
      { headers: { accept: "application/json" } },
    );
    const body = await res.text();
    if (res.status !== 201 && res.status !== 200 && process.env.DEBUG_RESILIENCE)
      console.log("send refused", res.status, body.slice(0, 300));
    return res.status === 201 || res.status === 200;
  } catch {
    return false;
  }
}

/** Collects an SSE stream's text. */
export function openStream(agent: Agent): { text(): string; close(): void } {
  const controller = new AbortController();
  let text = "";
  void (async () => {
    const res = await agent.request("/events", { signal: controller.signal });
    const decoder = new TextDecoder();
    for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
  })().catch(() => {});
  return { text: () => text, close: () => controller.abort() };
}
