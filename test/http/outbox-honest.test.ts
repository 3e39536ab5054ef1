// Honest sending: a bubble says what a send is doing (retrying after Green-API's 500, why it failed) in the reader's
// language, and the retry schedule starts short.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { messages } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import { SEND_RETRY_DELAYS_MS } from "../../src/lib/sending.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp, bubbleText } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103555077;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef77";
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let en: Agent;
let ru: Agent;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
  });
  app = await startTestApp({ OUTBOX_RECONCILE_SECONDS: "1", POLL_TIMEOUT_SECONDS: "5" });
  const row = await insertFakeInstance(app.deps.db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN });
  instanceId = row!.id;
  const anna = await app.deps.users.create({ username: "anna", password: "password-1", isAdmin: true });
  const boris = await app.deps.users.create({ username: "boris", password: "password-1", isAdmin: true });
  await app.deps.users.setLocale(anna.id, "en");
  await app.deps.users.setLocale(boris.id, "ru");
  en = new Agent(app.url);
  ru = new Agent(app.url);
  expect((await en.login("anna", "password-1")).status).toBe(303);
  expect((await ru.login("boris", "password-1")).status).toBe(303);
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
});

const send = (text: string, waChatId: string) =>
  app.deps.outbox.enqueue({ instanceId, waChatId, text, idempotencyKey: crypto.randomUUID(), via: "web" });

const rowOf = async (id: number) => (await app.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;

const bubble = (agent: Agent, chatId: number, messageId: number) =>
  bubbleText(agent, `/instances/${instanceId}/chats/${chatId}`, messageId);

describe("honest sending", () => {
  test("the retry schedule starts short and ends patient", () => {
    expect(SEND_RETRY_DELAYS_MS[0]).toBeLessThanOrEqual(5_000);
    expect(SEND_RETRY_DELAYS_MS.at(-1)).toBeGreaterThanOrEqual(120_000);
  });

  test("after Green-API answers 500 the bubble says it retries, in EN and RU, and the next try sends it once", async () => {
    const updates: unknown[] = [];
    const unsubscribe = app.deps.bus.subscribe((e) => void (e.name === EVENTS.messageUpdated && updates.push(e.data)));
    fake.control.faults({ next5xx: 1 });
    const { id, chatId } = await send("are you there?", "79001230101@c.us");
    const waiting = await waitFor(async () => {
      const r = await rowOf(id);
      return r.status === "sending" && r.nextAttemptAt !== null && r;
    }, 10_000);
    expect(waiting.attempts).toBe(1);
    expect(waiting.failReason).toBe("greenApiDown");
    // Open conversations re-render the bubble (live SSE) when the send starts to wait.
    await waitFor(() =>
      updates.some((u) => JSON.stringify(u) === JSON.stringify({ messageId: id, chatId, status: "sending" })),
    );
    const total = SEND_RETRY_DELAYS_MS.length;
    expect(await bubble(en, chatId, id)).toMatch(
      new RegExp(`Green-API is not answering — retrying in \\d s \\(1 of ${total}\\)`),
    );
    expect(await bubble(ru, chatId, id)).toMatch(
      new RegExp(`Green-API не отвечает — повтор через \\d с \\(1 из ${total}\\)`),
    );
    // The short schedule's first retry sends it.
    const done = await waitFor(async () => {
      const r = await rowOf(id);
      return r.status !== "queued" && r.status !== "sending" && r;
    }, 15_000);
    expect(["accepted", "sent", "delivered", "read"]).toContain(done.status ?? "");
    expect(done.attempts).toBe(2);
    expect(fake.control.sentMessages(ID).filter((s) => s.text === "are you there?")).toHaveLength(1);
    unsubscribe();
    const after = await bubble(en, chatId, id);
    expect(after).not.toContain("retrying");
    expect(after).not.toContain("Sending…");
  }, 30_000);

  test("a number without WhatsApp: stored as a code, shown translated with Send again", async () => {
    // Delivery statuses come by polling (started only now: the fake's next 5xx above is for the send alone).
    app.deps.poller.start((await app.deps.instances.getRow(instanceId))!);
    fake.control.setNoAccount(ID, "79000000777@c.us");
    const { id, chatId } = await send("hello?", "79000000777@c.us");
    const failed = await waitFor(async () => {
      await app.deps.intake.idle();
      const r = await rowOf(id);
      return r.status === "failed" && r;
    }, 20_000);
    expect(failed.failReason).toBe("noAccount");
    const shownEn = await bubble(en, chatId, id);
    expect(shownEn).toContain("Not sent: this number has no WhatsApp account");
    expect(shownEn).toContain("Send again");
    const shownRu = await bubble(ru, chatId, id);
    expect(shownRu).toContain("Не отправлено: у этого номера нет WhatsApp");
    expect(shownRu).not.toContain("no WhatsApp account");
  });

  test("a reason stored as English text before codes is shown as it is", async () => {
    const { id, chatId } = await send("old times", "79001230102@c.us");
    await app.deps.outbox.idle();
    await app.deps.db
      .update(messages)
      .set({ status: "failed", failReason: "instance is not authorized" })
      .where(eq(messages.id, id));
    expect(await bubble(ru, chatId, id)).toContain("Не отправлено: instance is not authorized");
  });
});
