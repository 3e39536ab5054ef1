// History import of long chats against the fake Green-API at its real pace (getChatHistory 1 request/second, not
// scaled): getChatHistory has no cursor, so a chat is asked again with a doubled `count` until an answer holds fewer
// messages than asked; a restart continues the chat at the next count; the per-chat cap is said on the panel.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { chats, historyImports, messages } from "../../src/db/schema/index.ts";
import { CHAT_CAP } from "../../src/instances/history/paging.ts";
import { startFastFake } from "../fakes/green-api/testkit.ts";
import { waitFor } from "../support/wait.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";

const HX = { "hx-request": "true" };

let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;
let nextId = 1101760001;

/** A fake instance (authorized, own rate-limit buckets) and its row in the app. */
async function numberOnFake(name: string) {
  const idInstance = nextId++;
  const token = `${"6f".repeat(20)}${String(idInstance).padStart(10, "0")}`;
  fake.control.createInstance({ idInstance, apiTokenInstance: token, state: "authorized" });
  const row = await insertFakeInstance(app.deps.db, fake, {
    name,
    idInstance,
    apiToken: token,
    wid: `7900${String(idInstance).slice(-7)}@c.us`,
  });
  return { idInstance, id: row!.id };
}

async function latestImport(db: TestApp["deps"]["db"], instanceId: number) {
  const [row] = await db
    .select()
    .from(historyImports)
    .where(eq(historyImports.instanceId, instanceId))
    .orderBy(sql`${historyImports.id} desc`)
    .limit(1);
  return row;
}

const untilDone = (db: TestApp["deps"]["db"], instanceId: number, ms: number) =>
  waitFor(async () => {
    const row = await latestImport(db, instanceId);
    return row?.status === "done" ? row : null;
  }, ms);

/** Messages of a chat: how many rows, and how many distinct Green-API ids. */
async function storedIn(instanceId: number, waChatId: string) {
  const [row] = await app.deps.db
    .select({ n: sql<number>`count(*)::int`, ids: sql<number>`count(distinct ${messages.idMessage})::int` })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(sql`${chats.instanceId} = ${instanceId} and ${chats.waChatId} = ${waChatId}`);
  return row!;
}

/** No answer of the fake was a 429: the app kept to getChatHistory's 1 request/second. */
function expectNoRateLimitHits(idInstance: number) {
  expect(fake.control.requests(idInstance).filter((r) => r.status === 429)).toEqual([]);
  expect(fake.control.violations(idInstance)).toBe(0);
}

const panel = async (instanceId: number) => (await admin.get(`/instances/${instanceId}/history`, HX)).text();

beforeAll(async () => {
  await resetDatabase();
  fake = startFastFake({ webhookDelivery: false });
  app = await startTestApp();
  app.deps.historyRunner.start();
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  await app.deps.historyRunner.stop();
  await app.stop();
  await fake.stop();
});

describe("a chat longer than one answer", () => {
  test("350 messages: asked for 100, 200, then 400; all stored once, progress shown while it reads, no 429", async () => {
    const n = await numberOnFake("Long");
    const [chatId] = fake.control.seedHistory(n.idInstance, { chats: 1, messagesPerChat: 350, prefix: "7933" }).chatIds;
    expect((await admin.post(`/instances/${n.id}/history/start`)).status).toBe(303);

    // Between the answers (a second apart) the panel says how far into the long chat the import is.
    await waitFor(async () => (await panel(n.id)).includes('data-head-count="100"'), 15_000);
    expect(await panel(n.id)).toContain("Reading a long chat: 100 messages so far");
    await waitFor(async () => (await panel(n.id)).includes('data-head-count="200"'), 15_000);

    const done = await untilDone(app.deps.db, n.id, 20_000);
    expect(fake.control.historyAsks(n.idInstance)).toEqual([
      { chatId: chatId!, count: 100, answered: 100 },
      { chatId: chatId!, count: 200, answered: 200 },
      { chatId: chatId!, count: 400, answered: 350 },
    ]);
    expect(done).toMatchObject({ chatsTotal: 1, chatsDone: 1, messagesImported: 350, headCount: 0, pendingChats: [] });
    expect(await storedIn(n.id, chatId!)).toEqual({ n: 350, ids: 350 });
    const texts = await app.deps.db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.instanceId, n.id))
      .orderBy(messages.sentAt);
    expect(texts.map((m) => m.text)).toEqual(Array.from({ length: 350 }, (_, i) => `chat 0 message ${i}`));
    const finished = await panel(n.id);
    expect(finished).toContain('data-status="done"');
    expect(finished).toContain("Done: 350 messages imported from 1 chats.");
    expect(finished).not.toContain("data-capped");
    expectNoRateLimitHits(n.idInstance);
  }, 40_000);

  test("a restart in the middle of a long chat continues it at the next count, not from 100; every message stored once", async () => {
    const n = await numberOnFake("Restart");
    const [chatId] = fake.control.seedHistory(n.idInstance, { chats: 1, messagesPerChat: 350, prefix: "7934" }).chatIds;
    await app.deps.history.start(n.id);
    // The first answer is out: stop before the next one (a second later at this pace) is asked.
    await waitFor(() => fake.control.historyAsks(n.idInstance).length === 1, 15_000);
    await app.deps.historyRunner.stop();
    const stopped = (await latestImport(app.deps.db, n.id))!;
    expect(stopped).toMatchObject({ status: "running", chatsDone: 0, headCount: 100, pendingChats: [chatId] });

    // A new process on the same database picks the import up.
    const second = await startTestApp();
    try {
      second.deps.historyRunner.start();
      const done = await untilDone(second.deps.db, n.id, 20_000);
      expect(done.id).toBe(stopped.id);
      expect(done).toMatchObject({ chatsDone: 1, messagesImported: 350, headCount: 0 });
    } finally {
      await second.deps.historyRunner.stop();
      await second.stop();
      app.deps.historyRunner.start();
    }
    // 100 before the restart; after it the next count (200), then 400: nothing asked twice, the stopped process sent nothing more.
    expect(fake.control.historyAsks(n.idInstance).map((a) => [a.count, a.answered])).toEqual([
      [100, 100],
      [200, 200],
      [400, 350],
    ]);
    expect(await storedIn(n.id, chatId!)).toEqual({ n: 350, ids: 350 });
    expectNoRateLimitHits(n.idInstance);
  }, 40_000);

  test(`a chat beyond the cap: its newest ${CHAT_CAP} are imported, and the panel names it`, async () => {
    const n = await numberOnFake("Capped");
    const [big] = fake.control.seedHistory(n.idInstance, {
      chats: 1,
      messagesPerChat: CHAT_CAP + 1,
      prefix: "7935",
    }).chatIds;
    const [small] = fake.control.seedHistory(n.idInstance, { chats: 1, messagesPerChat: 3, prefix: "7936" }).chatIds;
    const before = await panel(n.id);
    expect(before).toContain("At most the newest 10,000 messages of each chat are imported.");
    await app.deps.history.start(n.id);
    // Eight calls a second apart, then 10 000 messages stored in one go (slower on a busy machine).
    const done = await untilDone(app.deps.db, n.id, 150_000);

    const asks = fake.control.historyAsks(n.idInstance);
    expect(asks.filter((a) => a.chatId === big).map((a) => a.count)).toEqual([
      100,
      200,
      400,
      800,
      1600,
      3200,
      6400,
      CHAT_CAP,
    ]);
    expect(asks.filter((a) => a.chatId === small).map((a) => [a.count, a.answered])).toEqual([[100, 3]]);
    expect(done.messagesImported).toBe(CHAT_CAP + 3);
    expect(await storedIn(n.id, big!)).toEqual({ n: CHAT_CAP, ids: CHAT_CAP });
    // The newest ones: the oldest message (number 0) stayed at Green-API.
    const [oldest] = await app.deps.db
      .select({ text: messages.text })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(eq(chats.waChatId, big!))
      .orderBy(messages.sentAt)
      .limit(1);
    expect(oldest!.text).toBe("chat 0 message 1");

    const finished = await panel(n.id);
    expect(finished).toContain('data-capped="1"');
    expect(finished).toContain(
      "1 chat has more than 10,000 messages; only its newest 10,000 were imported: Customer 0.",
    );
    const ru = await (await admin.get(`/instances/${n.id}/history`, { ...HX, "accept-language": "ru" })).text();
    expect(ru).toMatch(/В 1 чате больше 10\s000 сообщений; импортированы только последние 10\s000: Customer 0\./);
    expectNoRateLimitHits(n.idInstance);
  }, 180_000);
});
