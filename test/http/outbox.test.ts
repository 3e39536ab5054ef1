// The outbox against the fake Green-API over real HTTP: exactly-once sends, retries, failures, statuses by polling.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { messages } from "../../src/db/schema/index.ts";
import type { Gateway } from "../../src/greenapi/gateway.ts";
import { createOutbox } from "../../src/conversations/outbox.ts";
import { EVENTS } from "../../src/events/names.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103555001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef01";
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;

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
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
});

const send = (text: string, key: string = crypto.randomUUID(), waChatId = "79001234567@c.us") =>
  app.deps.outbox.enqueue({ instanceId, waChatId, text, idempotencyKey: key, via: "web" });

async function rows(ids: number[]) {
  return app.deps.db.select().from(messages).where(inArray(messages.id, ids));
}

describe("outbox", () => {
  test("sends are stored first, then accepted by Green-API once each, in order", async () => {
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await send(`order ${i}`));
    expect(await app.deps.outbox.idle(10_000)).toBe(true);
    const stored = await rows(sent.map((s) => s.id));
    expect(
      stored.every(
        (m) => m.status === "accepted" || m.status === "sent" || m.status === "delivered" || m.status === "read",
      ),
    ).toBe(true);
    expect(stored.every((m) => /^BAE5[0-9A-F]{12}$/.test(m.idMessage!))).toBe(true);
    const fakeTexts = fake.control
      .sentMessages(ID)
      .map((s) => s.text)
      .filter((t) => t?.startsWith("order "));
    expect(fakeTexts).toEqual(Array.from({ length: 20 }, (_, i) => `order ${i}`));
  });

  test("the same idempotency key never sends twice", async () => {
    const first = await send("only once", "key-1");
    const again = await send("only once", "key-1");
    expect(again).toEqual({ ...first, created: false });
    await app.deps.outbox.idle();
    expect(fake.control.sentMessages(ID).filter((s) => s.text === "only once")).toHaveLength(1);
  });

  test("5xx answers and dropped connections are retried and succeed, still exactly once", async () => {
    fake.control.faults({ next5xx: 3, dropNextConnections: 2 });
    const sent = [];
    for (let i = 0; i < 8; i++) sent.push(await send(`flaky ${i}`));
    expect(await app.deps.outbox.idle(20_000)).toBe(true);
    const stored = await rows(sent.map((s) => s.id));
    expect(stored.map((m) => m.status).filter((s) => s === "failed" || s === "queued" || s === "sending")).toEqual([]);
    for (let i = 0; i < 8; i++)
      expect(fake.control.sentMessages(ID).filter((s) => s.text === `flaky ${i}`)).toHaveLength(1);
    expect(stored.some((m) => m.attempts > 1)).toBe(true);
  });

  test("a 400 fails at once with the reason, and the token appears nowhere", async () => {
    const { id } = await send("x".repeat(20_001));
    await app.deps.outbox.idle();
    const [row] = await rows([id]);
    expect(row!.status).toBe("failed");
    expect(row!.attempts).toBe(1);
    expect(row!.failReason).toContain("20000");
    expect(row!.failReason).not.toContain(TOKEN);
  });

  test("monthly quota (466) fails the send and marks the instance", async () => {
    fake.control.setQuotaExceeded(ID, true);
    const { id } = await send("over quota");
    await app.deps.outbox.idle();
    fake.control.setQuotaExceeded(ID, false);
    const [row] = await rows([id]);
    expect(row!.status).toBe("failed");
    const instance = await app.deps.instances.getRow(instanceId);
    expect(instance!.quotaExceededAt).not.toBeNull();
    // Users see it on the instance page.
    await app.deps.users.create({ username: "quota-admin", password: "quota-password", isAdmin: true });
    const agent = new Agent(app.url);
    await agent.login("quota-admin", "quota-password");
    expect(await (await agent.get(`/instances/${instanceId}`)).text()).toContain("monthly quota is used up");
  });

  test("delivery statuses arrive by polling and only move forward", async () => {
    const { id } = await send("tick tick");
    await app.deps.outbox.idle();
    app.deps.poller.start((await app.deps.instances.getRow(instanceId))!);
    const status = await waitFor(async () => {
      await app.deps.intake.idle();
      const [r] = await app.deps.db.select({ status: messages.status }).from(messages).where(eq(messages.id, id));
      return r?.status === "read" && r.status;
    }, 10_000);
    expect(status).toBe("read");
    // A late "delivered" (webhooks can arrive out of order) does not move it back.
    const [row] = await rows([id]);
    const late = {
      typeWebhook: "outgoingMessageStatus",
      instanceData: { idInstance: ID, wid: "79003555001@c.us", typeInstance: "whatsapp" },
      timestamp: 1,
      chatId: "79001234567@c.us",
      idMessage: row!.idMessage,
      status: "delivered",
      sendByApi: true,
    };
    expect(await app.deps.intake.accept(instanceId, ID, late, "webhook")).toMatchObject({ ok: true, duplicate: true });
    const replay = { ...late, status: "sent", timestamp: 2 };
    await app.deps.intake.accept(instanceId, ID, { ...replay, idMessage: row!.idMessage }, "webhook");
    await app.deps.intake.idle();
    expect((await rows([id]))[0]!.status).toBe("read");
    expect(fake.control.inspect(ID).pendingNotifications).toBeLessThanOrEqual(3);
    expect(fake.control.violations(ID)).toBe(0);
  });

  test("noAccount ends as failed with its reason", async () => {
    fake.control.setNoAccount(ID, "79000000999@c.us");
    const { id } = await send("hello?", undefined, "79000000999@c.us");
    const row = await waitFor(async () => {
      await app.deps.intake.idle();
      const [r] = await rows([id]);
      return r!.status === "failed" && r;
    }, 20_000); // through polling; generous on a loaded machine
    expect(row!.status).toBe("failed");
    // Stored as a code; the bubble renders it in the reader's language (test/http/outbox-honest.test.ts).
    expect(row!.failReason).toBe("noAccount");
  });

  test("a webhook echo of the send still being stored when Green-API answers is folded into the send, which is not retried", async () => {
    // Green-API's answer names the message the echo already holds; the echo's transaction commits only after the
    // outbox has started to record the answer (on PostgreSQL the outbox's update then waits for it).
    const calls: string[] = [];
    const answer = (method: string) => (method === "lastOutgoingMessages" ? [] : { idMessage: "BAE5ECHORACE0001" });
    const gateway = {
      ...app.deps.gateway,
      call: async (_i: unknown, method: string) => {
        calls.push(method);
        return answer(method);
      },
    } as unknown as Gateway;
    const outbox = createOutbox({
      db: app.deps.db,
      gateway,
      bus: app.deps.bus,
      log: app.deps.log,
      loadInstance: (id) => app.deps.instances.getRow(id),
      readFile: async () => null,
      reconcileAfterMs: 1000,
    });
    await app.deps.outbox.stop();
    try {
      const queued = await outbox.enqueue({
        instanceId,
        waChatId: "79001230042@c.us",
        text: "echo race",
        idempotencyKey: crypto.randomUUID(),
        via: "web",
      });
      let commitEcho!: () => void;
      let echoStored!: () => void;
      const stored = new Promise<void>((resolve) => (echoStored = resolve));
      const echo = app.deps.db.transaction(async (tx) => {
        await tx.insert(messages).values({
          instanceId,
          chatId: queued.chatId,
          idMessage: "BAE5ECHORACE0001",
          direction: "out",
          type: "textMessage",
          via: "api",
          text: "echo race",
          status: "sent",
        });
        echoStored();
        await new Promise<void>((resolve) => (commitEcho = resolve));
      });
      await stored;
      outbox.start();
      await Bun.sleep(400);
      commitEcho();
      await echo;
      expect(await outbox.idle(10_000)).toBe(true);
      await Bun.sleep(1500); // past reconcileAfterMs: a send left in doubt would be sent again by now
      const inChat = await app.deps.db.select().from(messages).where(eq(messages.chatId, queued.chatId));
      expect(
        inChat.map((m) => ({ id: m.id, idMessage: m.idMessage, status: m.status, failReason: m.failReason })),
      ).toEqual([{ id: queued.id, idMessage: "BAE5ECHORACE0001", status: "sent", failReason: null }]);
      expect(calls.filter((method) => method === "sendMessage")).toHaveLength(1);
    } finally {
      await outbox.stop();
      app.deps.outbox.start();
    }
  });

  describe("a webhook echo that arrives before Green-API's answer", () => {
    // A stub gateway whose sendMessage answers only when released; the echo goes through the intake meanwhile.
    async function inFlight(text: string, waChatId: string) {
      const calls: string[] = [];
      let answer!: (idMessage: string) => void;
      const answered = new Promise<string>((resolve) => (answer = resolve));
      let sending!: () => void;
      const started = new Promise<void>((resolve) => (sending = resolve));
      const call = async (_i: unknown, method: string) => {
        calls.push(method);
        if (method !== "sendMessage") return [];
        sending();
        return { idMessage: await answered };
      };
      const gateway = { ...app.deps.gateway, call } as unknown as Gateway;
      const outbox = createOutbox({
        db: app.deps.db,
        gateway,
        bus: app.deps.bus,
        log: app.deps.log,
        loadInstance: (id) => app.deps.instances.getRow(id),
        readFile: async () => null,
        reconcileAfterMs: 1000,
      });
      await app.deps.outbox.stop();
      const queued = await outbox.enqueue({
        instanceId,
        waChatId,
        text,
        idempotencyKey: crypto.randomUUID(),
        via: "web",
      });
      outbox.start();
      await started;
      return { calls, outbox, queued, answer };
    }

    async function echo(waChatId: string, idMessage: string, text: string) {
      const body = {
        typeWebhook: "outgoingAPIMessageReceived",
        instanceData: { idInstance: ID, wid: "79990000000@c.us", typeInstance: "whatsapp" },
        timestamp: Math.floor(Date.now() / 1000),
        idMessage,
        senderData: { chatId: waChatId, sender: "79990000000@c.us", chatName: "", senderName: "" },
        messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
      };
      expect((await app.deps.intake.accept(instanceId, ID, body, "webhook")).ok).toBe(true);
      await app.deps.intake.idle();
    }

    const inChat = async (chatId: number) =>
      (await app.deps.db.select().from(messages).where(eq(messages.chatId, chatId)).orderBy(messages.id)).map((m) => ({
        id: m.id,
        idMessage: m.idMessage,
        via: m.via,
        status: m.status,
      }));

    test("gives the send its id at once: one message throughout, never a second bubble, sent once", async () => {
      const created: number[] = [];
      const unsubscribe = app.deps.bus.subscribe(
        (e) => void (e.name === EVENTS.messageCreated && created.push(Number(e.data.messageId))),
      );
      const { calls, outbox, queued, answer } = await inFlight("echo first", "79001230043@c.us");
      try {
        await echo("79001230043@c.us", "BAE5ECHOFIRST001", "echo first");
        // Before the answer: the send itself carries the echo's id and shows "sent".
        expect(await inChat(queued.chatId)).toEqual([
          { id: queued.id, idMessage: "BAE5ECHOFIRST001", via: "web", status: "sent" },
        ]);
        answer("BAE5ECHOFIRST001");
        expect(await outbox.idle(10_000)).toBe(true);
        await Bun.sleep(1500); // past reconcileAfterMs
        expect(await inChat(queued.chatId)).toEqual([
          { id: queued.id, idMessage: "BAE5ECHOFIRST001", via: "web", status: "sent" },
        ]);
        expect(created.filter((id) => id !== queued.id)).toEqual([]);
        expect(calls.filter((method) => method === "sendMessage")).toHaveLength(1);
      } finally {
        unsubscribe();
        await outbox.stop();
        app.deps.outbox.start();
      }
    });

    test("a noAccount status that came through the echo's id before the answer stands: the send ends failed", async () => {
      const { outbox, queued, answer } = await inFlight("anyone there?", "79001230046@c.us");
      try {
        await echo("79001230046@c.us", "BAE5NOACCOUNT001", "anyone there?");
        const status = {
          typeWebhook: "outgoingMessageStatus",
          instanceData: { idInstance: ID, wid: "79990000000@c.us", typeInstance: "whatsapp" },
          timestamp: Math.floor(Date.now() / 1000),
          idMessage: "BAE5NOACCOUNT001",
          chatId: "79001230046@c.us",
          status: "noAccount",
          sendByApi: true,
        };
        expect((await app.deps.intake.accept(instanceId, ID, status, "webhook")).ok).toBe(true);
        await app.deps.intake.idle();
        answer("BAE5NOACCOUNT001");
        expect(await outbox.idle(10_000)).toBe(true);
        const [row] = await app.deps.db.select().from(messages).where(eq(messages.id, queued.id));
        expect({ idMessage: row!.idMessage, status: row!.status, failReason: row!.failReason }).toEqual({
          idMessage: "BAE5NOACCOUNT001",
          status: "failed",
          failReason: "noAccount",
        });
      } finally {
        await outbox.stop();
        app.deps.outbox.start();
      }
    });

    test("taken for the send's but Green-API names another message: the echo becomes a message of its own", async () => {
      const { outbox, queued, answer } = await inFlight("same words", "79001230044@c.us");
      try {
        await echo("79001230044@c.us", "BAE5OTHERCLIENT1", "same words");
        answer("BAE5OURSEND00001");
        expect(await outbox.idle(10_000)).toBe(true);
        const rows = await inChat(queued.chatId);
        expect(rows).toEqual([
          { id: queued.id, idMessage: "BAE5OURSEND00001", via: "web", status: "accepted" },
          { id: rows[1]!.id, idMessage: "BAE5OTHERCLIENT1", via: "api", status: "sent" },
        ]);
        const [other] = await app.deps.db
          .select({ text: messages.text, raw: messages.raw })
          .from(messages)
          .where(eq(messages.id, rows[1]!.id));
        expect(other!.text).toBe("same words");
        expect((other!.raw as { idMessage: string }).idMessage).toBe("BAE5OTHERCLIENT1");
      } finally {
        await outbox.stop();
        app.deps.outbox.start();
      }
    });

    test("an echo of another text stays a message of its own; the send keeps waiting for its answer", async () => {
      const { outbox, queued, answer } = await inFlight("mine", "79001230045@c.us");
      try {
        await echo("79001230045@c.us", "BAE5NOTMINE00001", "not mine");
        expect((await inChat(queued.chatId)).map((r) => [r.idMessage, r.status])).toEqual([
          [null, "sending"],
          ["BAE5NOTMINE00001", "sent"],
        ]);
        answer("BAE5MINE00000001");
        expect(await outbox.idle(10_000)).toBe(true);
        expect((await inChat(queued.chatId)).map((r) => [r.idMessage, r.status])).toEqual([
          ["BAE5MINE00000001", "accepted"],
          ["BAE5NOTMINE00001", "sent"],
        ]);
      } finally {
        await outbox.stop();
        app.deps.outbox.start();
      }
    });
  });
});
