// Auto-reply against the fake Green-API over real HTTP: once per chat per interval, with a simulated clock, across a
// restart of the app, and never twice when several workers race for the same chat.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { parseConfig } from "../../src/config.ts";
import { createApp } from "../../src/app.tsx";
import { createDeps, startBackground, stopBackground } from "../../src/deps.ts";
import { chats, instances, messages } from "../../src/db/schema/index.ts";
import { autoReply } from "../../src/instances/auto-reply.ts";
import type { AppDeps } from "../../src/env.ts";
import type { Outbox } from "../../src/conversations/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent } from "../support/app.ts";
import { resetDatabase, testDatabase, testLog } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103666001;
const TOKEN = "abcdef0123456789abcdef0123456789abcdef0123456789ab";
const AUTO = "Thanks for writing! We answer within working hours.";
const CUSTOMER = "79004443322@c.us";
let fake: FakeGreenApi;
let instanceId: number;
/** The app's clock runs this far ahead of real time. */
let offsetMs = 0;

interface Running {
  deps: AppDeps;
  url: string;
  stop(): Promise<void>;
}

/** Starts the app (background work included: polling, outbox) on the shared test database. */
async function startApp(): Promise<Running> {
  const config = parseConfig({
    PORT: "1",
    LOG_LEVEL: "silent",
    DEFAULT_LOCALE: "en",
    POLL_TIMEOUT_SECONDS: "5",
    OUTBOX_RECONCILE_SECONDS: "1",
  });
  const deps = createDeps(config, await testDatabase(), testLog, { clock: () => new Date(Date.now() + offsetMs) });
  const app = createApp(deps);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => app.fetch(req, srv) });
  await startBackground(deps);
  return {
    deps,
    url: `http://127.0.0.1:${server.port}`,
    async stop() {
      await stopBackground(deps);
      await server.stop(true);
    },
  };
}

let running: Running;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 10, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { incomingWebhook: "yes", outgoingAPIMessageWebhook: "yes", outgoingWebhook: "yes" },
  });
  const { db } = await testDatabase();
  const row = await insertFakeInstance(db, fake, {
    name: "Shop",
    idInstance: ID,
    apiToken: TOKEN,
    autoReplyEnabled: true,
    autoReplyText: AUTO,
    autoReplyIntervalHours: 12,
  });
  instanceId = row!.id;
  running = await startApp();
}, 30_000);

afterAll(async () => {
  await running.stop();
  await fake.stop();
});

const autoSends = () => fake.control.sentMessages(ID).filter((s) => s.text === AUTO);

async function incomingCount(): Promise<number> {
  const rows = await running.deps.db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, CUSTOMER), eq(messages.direction, "in")));
  return rows.length;
}

/** The customer writes; resolves once the app stored it and the outbox has nothing left to send. */
async function customerWrites(text: string): Promise<void> {
  const before = await incomingCount();
  fake.control.injectIncoming(ID, { type: "textMessage", chatId: CUSTOMER, text, senderName: "Anna" });
  await waitFor(async () => (await incomingCount()) > before, 10_000);
  await running.deps.intake.idle();
  expect(await running.deps.outbox.idle(10_000)).toBe(true);
}

describe("auto-reply", () => {
  test("three messages within the interval get exactly one auto-reply, sent through the outbox and marked automatic", async () => {
    await customerWrites("hello");
    await customerWrites("is anyone there?");
    await customerWrites("hello???");
    expect(autoSends()).toHaveLength(1);
    expect(autoSends()[0]!.chatId).toBe(CUSTOMER);
    const [chat] = await running.deps.db
      .select()
      .from(chats)
      .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, CUSTOMER)));
    const stored = await running.deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.chatId, chat!.id), eq(messages.via, "auto")));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.direction).toBe("out");
    expect(stored[0]!.text).toBe(AUTO);
    // The conversation shows it as the automatic reply.
    await running.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
    const admin = new Agent(running.url);
    await admin.login("admin", "password-1");
    const page = await (await admin.get(`/instances/${instanceId}/chats/${chat!.id}`)).text();
    // Its bubble carries the "auto-reply" label (the bubble runs from its <li> to the text).
    const at = page.indexOf(AUTO, page.indexOf(`id="msgs-${chat!.id}"`));
    expect(at).toBeGreaterThan(0);
    const bubble = page.slice(page.lastIndexOf("<li", at), at);
    expect(bubble).toContain("auto-reply");
  });

  test("a restart in between sends nothing more", async () => {
    await running.stop();
    running = await startApp();
    await customerWrites("still waiting");
    expect(autoSends()).toHaveLength(1);
  });

  test("once the interval has passed (simulated clock) the next message gets another one", async () => {
    offsetMs = 11 * 3_600_000;
    await customerWrites("11 hours later");
    expect(autoSends()).toHaveLength(1);
    offsetMs = 12 * 3_600_000 + 60_000;
    await customerWrites("12 hours later");
    expect(autoSends()).toHaveLength(2);
    await customerWrites("and again");
    expect(autoSends()).toHaveLength(2);
  });

  test("groups, and numbers with auto-reply off, get none", async () => {
    fake.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: "120363043968066561@g.us",
      sender: "79001110000@c.us",
      text: "hi all",
      senderName: "Max",
    });
    await waitFor(
      async () =>
        (await running.deps.db.select().from(chats).where(eq(chats.waChatId, "120363043968066561@g.us"))).length > 0,
      10_000,
    );
    await running.deps.intake.idle();
    expect(await running.deps.outbox.idle(10_000)).toBe(true);
    expect(autoSends()).toHaveLength(2);
    await running.deps.db.update(instances).set({ autoReplyEnabled: false }).where(eq(instances.id, instanceId));
    offsetMs += 24 * 3_600_000;
    await customerWrites("off now");
    expect(autoSends()).toHaveLength(2);
    await running.deps.db.update(instances).set({ autoReplyEnabled: true }).where(eq(instances.id, instanceId));
  });

  test("workers racing for the same chat send it once", async () => {
    offsetMs += 24 * 3_600_000;
    const now = new Date(Date.now() + offsetMs);
    const queued: string[] = [];
    const outbox: Pick<Outbox, "enqueue"> = {
      enqueue: async (input) => {
        queued.push("text" in input ? input.text : "");
        return { id: 0, chatId: 0, created: true };
      },
    };
    const opts = { db: running.deps.db, log: testLog, now: () => now, outbox: () => outbox };
    const results = await Promise.all(Array.from({ length: 8 }, () => autoReply(opts, instanceId, [CUSTOMER])));
    expect(results.filter((n) => n > 0)).toEqual([1]);
    expect(queued).toEqual([AUTO]);
  });
});
