// Honest sending when Green-API answers nothing useful and its journal cannot be read either: the send is never tried
// again blind (exactly once), the bubble says what is happening round by round, and the send ends as "unknown".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createOutbox, type Outbox } from "../../src/conversations/index.ts";
import { messages } from "../../src/db/schema/index.ts";
import { createGateway } from "../../src/greenapi/gateway.ts";
import { createRateLimiter, type RateLimiter } from "../../src/greenapi/rate-limiter.ts";
import { rateLimitFor } from "../../src/greenapi/limits.ts";
import { SEND_RETRY_DELAYS_MS } from "../../src/lib/sending.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp, bubbleText } from "../support/app.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { resetDatabase, testLog } from "../support/db.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103555078;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef78";
const MINUTE = 60_000;
const total = SEND_RETRY_DELAYS_MS.length;
let fake: FakeGreenApi;
let app: TestApp;
let limiter: RateLimiter;
let outbox: Outbox;
let instanceId: number;
let en: Agent;
let ru: Agent;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ rateScale: 20, timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  app = await startTestApp();
  instanceId = (await insertFakeInstance(app.deps.db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN }))!.id;
  for (const [name, locale] of [
    ["anna", "en"],
    ["boris", "ru"],
  ] as const) {
    const user = await app.deps.users.create({ username: name, password: "password-1", isAdmin: true });
    await app.deps.users.setLocale(user.id, locale);
  }
  en = new Agent(app.url);
  ru = new Agent(app.url);
  expect((await en.login("anna", "password-1")).status).toBe(303);
  expect((await ru.login("boris", "password-1")).status).toBe(303);
  // The production schedule's length (the bubble counts rounds of it) with waits a test moves past by hand: each
  // round is made due by setting next_attempt_at, never by sleeping. Limits scaled up (fake and limiter alike) and
  // failed journal reads retried at once keep each round short.
  limiter = createRateLimiter({
    log: testLog,
    retryBaseMs: 5,
    retryCapMs: 20,
    rpsFor: (method) => rateLimitFor(method) * 20,
  });
  outbox = createOutbox({
    db: app.deps.db,
    gateway: createGateway({ limiter, log: testLog }),
    bus: app.deps.bus,
    log: testLog,
    loadInstance: (id) => app.deps.instances.getRow(id),
    readFile: async () => null,
    reconcileAfterMs: 2 * MINUTE,
    retryDelaysMs: SEND_RETRY_DELAYS_MS.map(() => MINUTE),
  });
  outbox.start();
}, 30_000);

afterAll(async () => {
  fake.control.faults({ failMethods: [] });
  await outbox.stop();
  limiter.stop();
  await app.stop();
  await fake.stop();
});

const rowOf = async (id: number) => (await app.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;

const bubble = (agent: Agent, chatId: number, messageId: number) =>
  bubbleText(agent, `/instances/${instanceId}/chats/${chatId}`, messageId);

/** The round's wait is over now (as if its minute had passed). */
const due = (id: number) =>
  app.deps.db.update(messages).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(messages.id, id));

const sendRequests = () => fake.control.requests(ID).filter((r) => r.method === "sendMessage");

describe("Green-API and its journal both down", () => {
  test("the bubble tells each round, nothing is sent twice, and the send ends as unknown", async () => {
    fake.control.faults({ failMethods: ["sendMessage", "lastOutgoingMessages", "getChatHistory"] });
    const { id, chatId } = await outbox.enqueue({
      instanceId,
      waChatId: "79001230301@c.us",
      text: "still there?",
      idempotencyKey: crypto.randomUUID(),
      via: "web",
    });
    // The send got a 500: it waits for its retry.
    await waitFor(async () => {
      const r = await rowOf(id);
      return r.failReason === "greenApiDown" && r.nextAttemptAt !== null && r;
    }, 10_000);
    expect(await bubble(en, chatId, id)).toContain(`Green-API is not answering — retrying in 1 min (1 of ${total})`);
    expect(await bubble(ru, chatId, id)).toContain(`Green-API не отвечает — повтор через 1 мин (1 из ${total})`);

    // Each due round finds the journal unreadable: no retry, the next check a round later.
    for (let round = 2; round <= total + 1; round++) {
      await due(id);
      const r = await waitFor(async () => {
        const r = await rowOf(id);
        return r.attempts === round && r.nextAttemptAt!.getTime() > Date.now() && r;
      }, 10_000);
      expect(r.status).toBe("sending");
      expect(r.failReason).toBe("unconfirmed");
      const [shownEn, shownRu] = [await bubble(en, chatId, id), await bubble(ru, chatId, id)];
      if (round <= total) {
        expect(shownEn).toContain(
          `Green-API is not answering — cannot check whether it went out; next check in 1 min (${round} of ${total})`,
        );
        expect(shownRu).toContain(
          `Green-API не отвечает — не удаётся проверить, ушло ли сообщение; следующая проверка через 1 мин (${round} из ${total})`,
        );
      } else {
        // After the schedule's last round: one more wait (reconcileAfterMs), said to be the last.
        expect(shownEn).toContain("cannot check whether it went out; last check in 2 min");
        expect(shownRu).toContain("не удаётся проверить, ушло ли сообщение; последняя проверка через 2 мин");
      }
      expect(shownEn).not.toContain("retrying");
    }

    await due(id);
    const ended = await waitFor(async () => {
      const r = await rowOf(id);
      return r.status === "unknown" && r;
    }, 10_000);
    expect(ended.failReason).toBe("unconfirmed");
    const [shownEn, shownRu] = [await bubble(en, chatId, id), await bubble(ru, chatId, id)];
    expect(shownEn).toContain("Green-API did not confirm this message. Check the phone before sending it again.");
    expect(shownEn).not.toContain("Green-API is not answering");
    expect(shownRu).toContain("Green-API не подтвердил это сообщение. Проверьте телефон, прежде чем отправлять снова.");
    // Tried once, looked up in the journal every round, never sent a second time.
    expect(sendRequests()).toHaveLength(1);
    expect(fake.control.requests(ID).filter((r) => r.method === "lastOutgoingMessages").length).toBeGreaterThan(total);
    expect(await outbox.idle(1000)).toBe(true);
  }, 60_000);

  test("once the journal can be read again, a send it does not show is tried again, once", async () => {
    fake.control.faults({ failMethods: ["lastOutgoingMessages", "sendMessage"] });
    const { id } = await outbox.enqueue({
      instanceId,
      waChatId: "79001230302@c.us",
      text: "second chance",
      idempotencyKey: crypto.randomUUID(),
      via: "web",
    });
    await waitFor(async () => (await rowOf(id)).failReason === "greenApiDown", 10_000);
    await due(id);
    await waitFor(async () => (await rowOf(id)).failReason === "unconfirmed", 10_000);
    const before = sendRequests().length;
    fake.control.faults({ failMethods: [] });
    await due(id);
    const sent = await waitFor(async () => {
      const r = await rowOf(id);
      return r.status !== "sending" && r.status !== "queued" && r;
    }, 10_000);
    expect(["accepted", "sent", "delivered", "read"]).toContain(sent.status ?? "");
    expect(sent.attempts).toBe(3);
    expect(sendRequests()).toHaveLength(before + 1);
    expect(fake.control.sentMessages(ID).filter((s) => s.text === "second chance")).toHaveLength(1);
  }, 30_000);
});
