// Fake polling flow: receiveNotification long-poll and deleteNotification, and which events reach the queue.
import { afterAll, describe, expect, test } from "bun:test";
import { isMessageNotification, type NotificationEvent } from "../../../src/greenapi/index.ts";
import { ALL_WEBHOOKS, newInstance, startFastFake } from "./testkit.ts";
import { waitFor } from "../../support/wait.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

describe("receiveNotification", () => {
  test("empty queue: null after the (capped) long-poll wait", async () => {
    const { client } = newInstance(fake);
    const started = Date.now();
    expect(await client.receiveNotification(5)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  test("a waiting poll wakes as soon as a notification arrives", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    const started = Date.now();
    const pending = client.receiveNotification(60);
    setTimeout(() => fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "wake" }), 30);
    const got = await pending;
    expect(Date.now() - started).toBeLessThan(200);
    expect(got?.parsed.ok && got.parsed.event.typeWebhook).toBe("incomingMessageReceived");
  });

  test("the head is served again until deleted, then the next one", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "a" });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "b" });
    const first = await client.receiveNotification();
    const again = await client.receiveNotification();
    expect(again?.receiptId).toBe(first!.receiptId);
    expect(await client.deleteNotification(first!.receiptId)).toEqual({ result: true });
    const second = await client.receiveNotification();
    expect(second?.receiptId).toBe(first!.receiptId + 1);
    expect(await client.deleteNotification(999_999)).toEqual({ result: false });
  });

  test("refused while a webhookUrl is set; receiveTimeout outside 5..60 is a 400", async () => {
    const { client } = newInstance(fake, { settings: { webhookUrl: "http://127.0.0.1:9/none" } });
    const err = await client.receiveNotification().catch((e: Error) => e);
    expect(err).toMatchObject({ kind: "badRequest" });
    expect((err as Error).message).toContain("custom webhook url is set");
    const other = newInstance(fake);
    expect(await other.client.receiveNotification(2).catch((e: { kind: string }) => e.kind)).toBe("badRequest");
  });
});

describe("what gets notified", () => {
  test("flags off: no notifications and no journal; noAccount status is sent anyway", async () => {
    const { client, idInstance } = newInstance(fake);
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "unseen" });
    fake.control.setNoAccount(idInstance, "79000000000@c.us");
    await client.sendMessage({ chatId: CHAT, message: "quiet" });
    await client.sendMessage({ chatId: "79000000000@c.us", message: "nobody" });
    const got = await client.receiveNotification();
    expect(got?.parsed.ok && got.parsed.event.typeWebhook === "outgoingMessageStatus" && got.parsed.event.status).toBe(
      "noAccount",
    );
    await client.deleteNotification(got!.receiptId);
    expect(await client.receiveNotification()).toBeNull();
    expect(fake.control.inspect(idInstance).journalSize).toBe(2);
  });

  test("sends wait in the queue while not authorized and go out after the QR scan", async () => {
    const { client, idInstance } = newInstance(fake, { state: "notAuthorized", settings: ALL_WEBHOOKS });
    await client.sendMessage({ chatId: CHAT, message: "later" });
    await Bun.sleep(30);
    expect(fake.control.inspect(idInstance).queuedSends).toBe(1);
    fake.control.scanQr(idInstance);
    await waitFor(
      () =>
        fake.control.inspect(idInstance).queuedSends === 0 &&
        fake.control.inspect(idInstance).pendingNotifications >= 5,
      2000,
    );
  });

  test("calls: offer then outcome; correspondents quota: quotaExceeded notification and 466 on send", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    fake.control.injectCall(idInstance, { from: CHAT, outcome: "declined" });
    fake.control.setQuotaExceeded(idInstance, "correspondents");
    const seen: NotificationEvent[] = [];
    for (let i = 0; i < 3; i++) {
      const n = await client.receiveNotification();
      if (!n?.parsed.ok) throw new Error("expected a notification");
      seen.push(n.parsed.event);
      await client.deleteNotification(n.receiptId);
    }
    expect(seen.map((e) => (e.typeWebhook === "incomingCall" ? e.status : e.typeWebhook))).toEqual([
      "offer",
      "declined",
      "quotaExceeded",
    ]);
    const err = await client
      .sendMessage({ chatId: CHAT, message: "x" })
      .catch((e: { kind: string; reason: string }) => e);
    expect(err).toMatchObject({ kind: "quotaExceeded" });
    expect((err as { reason: string }).reason).toContain("CORRESPONDENTS_QUOTE_EXCEEDED");
    fake.control.setQuotaExceeded(idInstance, true);
    expect(
      await client.sendMessage({ chatId: CHAT, message: "x" }).catch((e: { reason: string }) => e.reason),
    ).toContain("QUOTE_EXCEEDED (sendmessage)");
  });

  test("an outgoing message typed on the phone becomes outgoingMessageReceived", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    const { idMessage } = fake.control.injectOutgoing(idInstance, {
      type: "textMessage",
      chatId: CHAT,
      text: "from phone",
    });
    const n = await client.receiveNotification();
    if (!n?.parsed.ok || !isMessageNotification(n.parsed.event)) throw new Error("expected a message");
    expect(n.parsed.event).toMatchObject({ typeWebhook: "outgoingMessageReceived", idMessage });
    expect(n.parsed.event.senderData.sender).toBe(n.parsed.event.instanceData.wid);
  });
});
