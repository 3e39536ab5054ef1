// Graceful shutdown of the real process: on SIGTERM it stops accepting connections, lets an in-flight download finish,
// says goodbye to an open event stream and ends it, processes a webhook it had just acknowledged, and exits 0; a request
// that will not finish makes it give up after the bound with exit 1 and a line naming what it waited for.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase } from "../../src/db/client.ts";
import { instances, messages, notifications } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent } from "../support/app.ts";
import { createFreshDatabase, testLog, type FreshDatabase } from "../support/db.ts";
import { freePort, start, tempDir, type Proc } from "./support.ts";

const ID = 7103999001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef01";
const WEBHOOK_TOKEN = "s".repeat(24);
/** A media archive an admin downloads: far more than the socket buffers hold, so it is still being sent at SIGTERM. */
const ARCHIVE = "greeninbox-20260101-000000-000-media.tar.gz";
const ARCHIVE_BYTES = 64 * 1024 * 1024;

let fake: FakeGreenApi;
let fresh: FreshDatabase;
let instanceId: number;
let env: Record<string, string>;
let archiveHash: string;

beforeAll(async () => {
  fake = startFakeGreenApi();
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  fresh = await createFreshDatabase();
  const [row] = await fresh.database.db
    .insert(instances)
    .values({
      name: "Shutdown",
      idInstance: ID,
      apiToken: TOKEN,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: WEBHOOK_TOKEN,
      intakeMode: "webhook",
      state: "authorized",
    })
    .returning({ id: instances.id });
  instanceId = row!.id;
  // The child process opens the database itself (PGlite allows one process at a time).
  await fresh.database.close();
  const dataDir = fresh.childEnv.DATA_DIR ?? tempDir();
  mkdirSync(join(dataDir, "backups"), { recursive: true });
  const archive = randomBytes(ARCHIVE_BYTES);
  writeFileSync(join(dataDir, "backups", ARCHIVE), archive);
  archiveHash = new Bun.CryptoHasher("sha256").update(archive).digest("hex");
  env = {
    ...fresh.childEnv,
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    ADMIN_USERNAME: "boss",
    ADMIN_PASSWORD: "boss-password",
  };
}, 30_000);

afterAll(async () => {
  await fake.stop();
  await fresh.dropDb();
});

async function startSignedIn(): Promise<{ app: Proc; agent: Agent }> {
  const port = freePort();
  const app = start([], { ...env, PORT: String(port) });
  await app.waitFor(/"msg":"ready"/, 30_000);
  const agent = new Agent(`http://127.0.0.1:${port}`);
  expect((await agent.login("boss", "boss-password")).status).toBe(303);
  return { app, agent };
}

/** Starts downloading the archive and reads its first chunk: the request is then in flight. */
async function startDownload(agent: Agent) {
  const res = await agent.get(`/backups/${ARCHIVE}`);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  return { reader, first: first.value! };
}

test("SIGTERM: the download in flight completes, the event stream gets a goodbye and ends, the webhook is processed, exit 0", async () => {
  const { app, agent } = await startSignedIn();
  try {
    const events = await agent.get("/events", { accept: "text/event-stream" });
    const sse = events.body!.getReader();
    let streamed = "";
    while (!streamed.includes(": connected")) {
      const chunk = await sse.read();
      if (chunk.done) throw new Error(`the event stream ended at once: ${streamed}`);
      streamed += new TextDecoder().decode(chunk.value);
    }

    const download = await startDownload(agent);

    const webhook = await fetch(`${agent.base}/webhooks/green-api/${instanceId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        typeWebhook: "incomingMessageReceived",
        instanceData: { idInstance: ID, wid: "79990000000@c.us", typeInstance: "whatsapp" },
        timestamp: Math.floor(Date.now() / 1000),
        idMessage: "SHUTDOWN1",
        senderData: { chatId: "79005550003@c.us", chatName: "Olga", sender: "79005550003@c.us", senderName: "Olga" },
        messageData: { typeMessage: "textMessage", textMessageData: { textMessage: "sent just before the restart" } },
      }),
    });
    expect(webhook.status).toBe(200);
    app.proc.kill("SIGTERM");

    // The event stream: a goodbye (with the reconnection delay), then its end.
    for (;;) {
      const chunk = await sse.read();
      if (chunk.done) break;
      streamed += new TextDecoder().decode(chunk.value);
    }
    expect(streamed).toContain(": goodbye, the server is stopping\nretry: 2000\n\n");
    // The listener is closed: nobody new gets in.
    expect(
      await fetch(`${agent.base}/healthz`).then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused");

    // The download, read slowly from here on, arrives whole.
    const hasher = new Bun.CryptoHasher("sha256").update(download.first);
    let size = download.first.byteLength;
    for (;;) {
      const chunk = await download.reader.read();
      if (chunk.done) break;
      hasher.update(chunk.value);
      size += chunk.value.byteLength;
    }
    expect(size).toBe(ARCHIVE_BYTES);
    expect(hasher.digest("hex")).toBe(archiveHash);
  } finally {
    app.proc.kill("SIGTERM");
  }
  expect(await app.finished()).toBe(0);
  expect(app.stdout()).toContain('"eventStreams":1,"msg":"shutting down: no new connections, open requests finish"');
  expect(app.stdout()).toContain('"msg":"stopped"');

  // Acknowledged, so journaled; and processed before the process left (the intake was flushed).
  const database = await openDatabase({
    databaseUrl: fresh.childEnv.DATABASE_URL,
    dataDir: env.DATA_DIR!,
    log: testLog,
  });
  try {
    const journaled = await database.db.select().from(notifications).where(eq(notifications.instanceId, instanceId));
    expect(journaled.map((n) => ({ type: n.typeWebhook, processed: n.processedAt !== null }))).toEqual([
      { type: "incomingMessageReceived", processed: true },
    ]);
    const [message] = await database.db.select().from(messages).where(eq(messages.idMessage, "SHUTDOWN1"));
    expect(message?.text).toBe("sent just before the restart");
  } finally {
    await database.close();
  }
}, 90_000);

test("a request that does not finish: the process gives up after 10 s with exit 1 and says what it waited for", async () => {
  const { app, agent } = await startSignedIn();
  // A client that stops reading: the download never completes.
  const download = await startDownload(agent);
  app.proc.kill("SIGTERM");
  expect(await app.finished()).toBe(1);
  await download.reader.cancel().catch(() => {});
  const line = app
    .stdout()
    .split("\n")
    .find((l) => l.includes("shutdown did not finish"));
  expect(JSON.parse(line!)).toMatchObject({
    level: 50,
    waitingFor: "1 in-flight request(s)",
    msg: "shutdown did not finish within 10 s (still waiting for 1 in-flight request(s)): exiting",
  });
}, 90_000);
