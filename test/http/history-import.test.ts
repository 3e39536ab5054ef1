// History import and offline backfill against the fake Green-API over HTTP: 300 chats × 40 messages stored once,
// no rate-limit violations, replies not held up, resume after a restart, cancel, and the journal of an offline window.
//
// Green-API allows getChatHistory 1 request/second, so 300 chats take ~5 minutes at the real pace. The fake and the
// app's rate limiter are both given RATE_SCALE (every per-method limit × 20): the same pacing logic and the same 429
// accounting, 20× faster. Violations are counted by the fake against the scaled limits.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { chats, historyImports, messages } from "../../src/db/schema/index.ts";
import { startFastFake } from "../fakes/green-api/testkit.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, sseUntil, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const RATE_SCALE = 20;
const HX = { "hx-request": "true" };

let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;
let viewer: Agent;
let nextId = 1101700001;

/** A fake instance (authorized, own rate-limit buckets) and its row in the app. */
async function numberOnFake(name: string, settings: Record<string, string> = {}) {
  const idInstance = nextId++;
  const token = `${"5e".repeat(20)}${String(idInstance).padStart(10, "0")}`;
  fake.control.createInstance({ idInstance, apiTokenInstance: token, state: "authorized", settings });
  const row = await insertFakeInstance(app.deps.db, fake, {
    name,
    idInstance,
    apiToken: token,
    wid: `7900${String(idInstance).slice(-7)}@c.us`,
  });
  return { idInstance, id: row!.id };
}

async function latestImport(db: TestApp["deps"]["db"], instanceId: number) {
  const rows = await db
    .select()
    .from(historyImports)
    .where(eq(historyImports.instanceId, instanceId))
    .orderBy(sql`${historyImports.id} desc`)
    .limit(1);
  return rows[0];
}

/** Not too often: on PGlite every poll waits for the one connection the import is writing through. */
const POLL_MS = 100;

const messageCount = async (instanceId: number) =>
  (
    await app.deps.db
      .select({
        n: sql<number>`count(*)::int`,
        ids: sql<number>`count(distinct (${messages.chatId}, ${messages.idMessage}))::int`,
      })
      .from(messages)
      .where(eq(messages.instanceId, instanceId))
  )[0]!;

const historyCalls = (idInstance: number) =>
  fake.control.requests(idInstance).filter((r) => r.method === "getChatHistory").length;

beforeAll(async () => {
  await resetDatabase();
  fake = startFastFake({ webhookDelivery: false, rateScale: RATE_SCALE });
  app = await startTestApp({}, undefined, { greenApiRateScale: RATE_SCALE });
  app.deps.outbox.start();
  app.deps.historyRunner.start();
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  await app.deps.historyRunner.stop();
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
});

describe("import of 300 chats × 40 messages", () => {
  let n: { idInstance: number; id: number };
  let chatIds: string[];
  let replyChat: number;

  beforeAll(async () => {
    n = await numberOnFake("Sales");
    chatIds = fake.control.seedHistory(n.idInstance, { chats: 300, messagesPerChat: 40 }).chatIds;
    // A conversation the manager already has open (it will receive its history too).
    const [chat] = await app.deps.db
      .insert(chats)
      .values({ instanceId: n.id, waChatId: chatIds[0]!, name: "Customer 0" })
      .returning({ id: chats.id });
    replyChat = chat!.id;
  });

  test("stores every message once, with live progress; a reply sent meanwhile goes out before the import ends", async () => {
    const progress = sseUntil(admin, new RegExp(`data-instance="${n.id}" data-part="history"`));
    const started = await admin.post(`/instances/${n.id}/history/start`);
    expect(started.status).toBe(303);
    await progress;

    const running = await waitFor(
      async () => {
        const row = await latestImport(app.deps.db, n.id);
        return row && row.chatsDone >= 5 ? row : null;
      },
      { timeout: 60_000, interval: POLL_MS, message: "the import to get going" },
    );
    expect(running.status).toBe("running");
    expect(running.chatsTotal).toBe(300);
    expect(running.pendingChats).toHaveLength(300 - running.chatsDone);

    const panel = await (await admin.get(`/instances/${n.id}/history`, HX)).text();
    expect(panel).toContain('data-status="running"');
    expect(panel).toMatch(/<progress value="\d+" max="300"/);
    expect(panel).toContain("of 300 chats");
    expect(panel).toContain("history/cancel");

    const sent = await admin.post(
      `/instances/${n.id}/chats/${replyChat}/messages`,
      { text: "Reply during the import", key: "history-reply-1" },
      { headers: HX },
    );
    expect(sent.status).toBe(200);
    await waitFor(
      async () => fake.control.sentMessages(n.idInstance).some((s) => s.text === "Reply during the import"),
      { timeout: 30_000, interval: POLL_MS, message: "the reply to reach the fake" },
    );
    expect(fake.control.sentMessages(n.idInstance)).toHaveLength(1);
    const whenSent = (await latestImport(app.deps.db, n.id))!;
    expect(whenSent.status).toBe("running");
    expect(whenSent.chatsDone).toBeLessThan(300);

    const done = await waitFor(
      async () => {
        const row = await latestImport(app.deps.db, n.id);
        return row?.status === "done" ? row : null;
      },
      { timeout: 420_000, interval: POLL_MS, message: "the import to finish" },
    );
    expect(done.chatsDone).toBe(300);
    expect(done.messagesImported).toBe(300 * 40);
    expect(done.pendingChats).toEqual([]);
    expect(done.finishedAt).not.toBeNull();

    const counts = await messageCount(n.id);
    expect(counts.n).toBe(300 * 40 + 1);
    expect(counts.ids).toBe(counts.n);
    const chatRows = await app.deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(chats)
      .where(eq(chats.instanceId, n.id));
    expect(chatRows[0]!.n).toBe(300);
    // History is not news: no unread badge for 12 000 old messages; names and order come from the journal.
    const [first] = await app.deps.db
      .select()
      .from(chats)
      .where(and(eq(chats.instanceId, n.id), eq(chats.waChatId, chatIds[299]!)));
    expect(first!.unreadCount).toBe(0);
    expect(first!.name).toBe("Customer 299");
    expect(first!.lastMessagePreview).toBe("chat 299 message 39");
    const texts = await app.deps.db
      .select({ text: messages.text, direction: messages.direction })
      .from(messages)
      .where(eq(messages.chatId, first!.id))
      .orderBy(messages.sentAt);
    expect(texts.map((m) => m.text)).toEqual(Array.from({ length: 40 }, (_, i) => `chat 299 message ${i}`));
    expect(texts.map((m) => m.direction).slice(0, 2)).toEqual(["in", "out"]);

    expect(fake.control.violations(n.idInstance)).toBe(0);
    const finished = await (await admin.get(`/instances/${n.id}/history`, HX)).text();
    expect(finished).toContain('data-status="done"');
    expect(finished).toContain("Done: 12000 messages imported from 300 chats.");
  }, 480_000);

  test("importing again adds nothing", async () => {
    const before = await messageCount(n.id);
    const [{ maxId }] = (await app.deps.db.select({ maxId: sql<number>`max(${messages.id})::int` }).from(messages)) as [
      { maxId: number },
    ];
    const first = (await latestImport(app.deps.db, n.id))!;
    await app.deps.history.start(n.id);
    const second = (await latestImport(app.deps.db, n.id))!;
    expect(second.id).not.toBe(first.id);
    const again = await waitFor(
      async () => {
        const row = await latestImport(app.deps.db, n.id);
        return row?.status === "done" ? row : null;
      },
      { timeout: 120_000, interval: POLL_MS, message: "the second import to finish" },
    );
    expect(again.id).toBe(second.id);
    expect(again.chatsDone).toBe(300);
    const added = await app.deps.db
      .select({ idMessage: messages.idMessage, text: messages.text, via: messages.via })
      .from(messages)
      .where(sql`${messages.id} > ${maxId}`);
    expect(added).toEqual([]);
    expect(again.messagesImported).toBe(0);
    expect(await messageCount(n.id)).toEqual(before);
    expect(fake.control.violations(n.idInstance)).toBe(0);
  }, 180_000);

  test("an automatic start does nothing once the number has had an import", async () => {
    const before = await latestImport(app.deps.db, n.id);
    await app.deps.history.start(n.id, { auto: true });
    expect((await latestImport(app.deps.db, n.id))!.id).toBe(before!.id);
  });
});

describe("resume, cancel, permissions", () => {
  test("a restart mid-import resumes where it stopped, without duplicates", async () => {
    const n = await numberOnFake("Support");
    fake.control.seedHistory(n.idInstance, { chats: 40, messagesPerChat: 10, prefix: "7966" });
    await app.deps.history.start(n.id, { auto: true });
    await waitFor(async () => ((await latestImport(app.deps.db, n.id))?.chatsDone ?? 0) >= 10, {
      timeout: 60_000,
      interval: POLL_MS,
      message: "10 chats",
    });
    await app.deps.historyRunner.stop();
    const stopped = (await latestImport(app.deps.db, n.id))!;
    expect(stopped.status).toBe("running");
    expect(stopped.chatsDone).toBeLessThan(40);
    expect(stopped.pendingChats).toHaveLength(40 - stopped.chatsDone);
    // Each chat done was fetched once; the next one may have been fetched ahead and is fetched again.
    const callsBefore = historyCalls(n.idInstance);
    expect(callsBefore - stopped.chatsDone).toBeLessThanOrEqual(1);

    // A new process on the same database picks the running import up.
    const second = await startTestApp({}, undefined, { greenApiRateScale: RATE_SCALE });
    try {
      second.deps.historyRunner.start();
      const done = await waitFor(
        async () => {
          const row = await latestImport(second.deps.db, n.id);
          return row?.status === "done" ? row : null;
        },
        { timeout: 60_000, interval: POLL_MS, message: "the resumed import" },
      );
      expect(done.id).toBe(stopped.id);
      expect(done.chatsDone).toBe(40);
      expect(done.messagesImported).toBe(400);
      // Only the chats left were fetched after the restart.
      expect(historyCalls(n.idInstance) - callsBefore).toBe(stopped.pendingChats.length);
    } finally {
      await second.deps.historyRunner.stop();
      await second.stop();
      app.deps.historyRunner.start();
    }
    const counts = await messageCount(n.id);
    expect(counts.n).toBe(400);
    expect(counts.ids).toBe(400);
    expect(fake.control.violations(n.idInstance)).toBe(0);
  }, 120_000);

  test("cancel stops the import after the chat in progress", async () => {
    const n = await numberOnFake("Billing");
    fake.control.seedHistory(n.idInstance, { chats: 200, messagesPerChat: 2, prefix: "7977" });
    await app.deps.history.start(n.id);
    await waitFor(async () => ((await latestImport(app.deps.db, n.id))?.chatsDone ?? 0) >= 3, {
      timeout: 60_000,
      interval: POLL_MS,
      message: "3 chats",
    });
    const res = await admin.post(`/instances/${n.id}/history/cancel`, {}, { headers: HX });
    expect(res.status).toBe(200);
    const panel = await res.text();
    expect(panel).toContain('data-status="cancelled"');
    expect(panel).toContain("history/start");
    const cancelled = (await latestImport(app.deps.db, n.id))!;
    expect(cancelled.status).toBe("cancelled");
    const calls = historyCalls(n.idInstance);
    // Twenty requests' worth of time at the scaled pace: at most the one in flight may still complete.
    await Bun.sleep((20 * 1040) / RATE_SCALE);
    expect(historyCalls(n.idInstance)).toBeLessThanOrEqual(calls + 1);
    const after = (await latestImport(app.deps.db, n.id))!;
    expect(after.status).toBe("cancelled");
    expect(after.chatsDone).toBe(cancelled.chatsDone);
    expect(after.chatsDone).toBeLessThan(200);
  }, 60_000);

  test("groups get their titles from the address book; personal chats the contact's name", async () => {
    const n = await numberOnFake("Groups", { incomingWebhook: "yes" });
    const group = "120363043968066561@g.us";
    fake.control.injectIncoming(n.idInstance, {
      type: "textMessage",
      chatId: group,
      sender: "79001230001@c.us",
      senderName: "Ivan",
      chatName: "Wholesale buyers",
      text: "Price list?",
    });
    fake.control.injectIncoming(n.idInstance, {
      type: "textMessage",
      chatId: "79001230002@c.us",
      senderName: "Maria",
      text: "Hello",
    });
    await app.deps.history.start(n.id);
    await waitFor(async () => (await latestImport(app.deps.db, n.id))?.status === "done", {
      timeout: 30_000,
      interval: POLL_MS,
      message: "the import",
    });
    const rows = await app.deps.db
      .select({ waChatId: chats.waChatId, name: chats.name, unread: chats.unreadCount })
      .from(chats)
      .where(eq(chats.instanceId, n.id))
      .orderBy(chats.waChatId);
    expect(rows).toEqual([
      { waChatId: group, name: "Wholesale buyers", unread: 0 },
      { waChatId: "79001230002@c.us", name: "Maria", unread: 0 },
    ]);
    const [groupMessage] = await app.deps.db
      .select({ senderName: messages.senderName, text: messages.text })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(eq(chats.waChatId, group));
    expect(groupMessage).toEqual({ senderName: "Ivan", text: "Price list?" });
  }, 60_000);

  test("only people who may manage the number start or cancel; others see the progress", async () => {
    const n = await numberOnFake("Viewers");
    const user = await app.deps.users.create({ username: "viewer", password: "password-1" });
    await grant(app.deps.db, user.id, n.id);
    viewer = new Agent(app.url);
    expect((await viewer.login("viewer", "password-1")).status).toBe(303);
    expect((await viewer.post(`/instances/${n.id}/history/start`)).status).toBe(403);
    expect((await viewer.post(`/instances/${n.id}/history/cancel`)).status).toBe(403);
    const panel = await (await viewer.get(`/instances/${n.id}/history`, HX)).text();
    expect(panel).toContain("History import");
    expect(panel).not.toContain("history/start");
    expect(await latestImport(app.deps.db, n.id)).toBeUndefined();
    const page = await (await admin.get(`/instances/${n.id}`)).text();
    expect(page).toContain(`hx-get="/instances/${n.id}/history"`);
  });
});

describe("backfill after an offline window", () => {
  test("messages the journals hold for the window are stored once; older history is left to the import", async () => {
    const n = await numberOnFake("Offline", { incomingWebhook: "yes", outgoingMessageWebhook: "yes" });
    // Old conversations (two days ago) and traffic during the outage that never reached the app.
    fake.control.seedHistory(n.idInstance, {
      chats: 2,
      messagesPerChat: 4,
      prefix: "7988",
      endTimestamp: Math.floor(Date.now() / 1000) - 2 * 86_400,
    });
    fake.control.injectIncoming(n.idInstance, {
      type: "textMessage",
      chatId: "79880000000001@c.us",
      text: "Are you there?",
      senderName: "Olga",
    });
    fake.control.injectIncoming(n.idInstance, { type: "textMessage", chatId: "79880000000001@c.us", text: "Hello?" });
    fake.control.injectIncoming(n.idInstance, {
      type: "textMessage",
      chatId: "79885550000001@c.us",
      text: "New customer here",
      senderName: "Pavel",
    });
    fake.control.injectOutgoing(n.idInstance, {
      type: "textMessage",
      chatId: "79885550000001@c.us",
      text: "Answered from the phone",
    });

    const added = await app.deps.history.backfill(n.id, new Date(Date.now() - 10 * 60_000));
    expect(added).toBe(4);
    const rows = await app.deps.db
      .select({
        text: messages.text,
        direction: messages.direction,
        via: messages.via,
        waChatId: chats.waChatId,
        unread: chats.unreadCount,
        name: chats.name,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(eq(messages.instanceId, n.id))
      .orderBy(messages.id);
    expect(rows.map((r) => r.text).sort()).toEqual([
      "Answered from the phone",
      "Are you there?",
      "Hello?",
      "New customer here",
    ]);
    expect(rows.find((r) => r.text === "Answered from the phone")).toMatchObject({ direction: "out", via: "phone" });
    // The gap reads like live traffic: unread counts grow.
    expect(rows.find((r) => r.text === "New customer here")).toMatchObject({
      direction: "in",
      unread: 1,
      name: "Pavel",
    });
    expect(rows.find((r) => r.text === "Hello?")!.unread).toBe(2);

    expect(await app.deps.history.backfill(n.id, new Date(Date.now() - 10 * 60_000))).toBe(0);
    expect((await messageCount(n.id)).n).toBe(4);
    expect(fake.control.violations(n.idInstance)).toBe(0);
  }, 30_000);
});
