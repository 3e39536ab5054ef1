// The fake's looser chat-id forms on demand: device suffixes, @s.whatsapp.net, statuses without chatId, failed sends.
import { afterAll, describe, expect, test } from "bun:test";
import type { GreenApiClient } from "../../../src/greenapi/index.ts";
import { ALL_WEBHOOKS, newInstance, startFastFake } from "./testkit.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

/** The next notification's raw body, deleted from the queue. */
async function next(client: GreenApiClient): Promise<Record<string, unknown>> {
  const n = await client.receiveNotification(5);
  if (!n) throw new Error("no notification");
  await client.deleteNotification(n.receiptId);
  return n.body as Record<string, unknown>;
}

/** Every status body of one send, in order (the API-message echo skipped). */
async function statuses(client: GreenApiClient, count: number): Promise<Array<Record<string, unknown>>> {
  const out = [];
  while (out.length < count) {
    const body = await next(client);
    if (body.typeWebhook === "outgoingMessageStatus") out.push(body);
  }
  return out;
}

describe("wire forms of chat ids", () => {
  test("plain by default: personal ids are NNN@c.us and statuses carry chatId", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    expect(fake.control.setWireForms(idInstance, {})).toEqual({
      device: null,
      domain: "c.us",
      statusWithoutChatId: false,
    });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "hi" });
    expect((await next(client)).senderData).toMatchObject({ chatId: CHAT, sender: CHAT });
    const { idMessage } = await client.sendMessage({ chatId: CHAT, message: "hello" });
    expect((await statuses(client, 3)).map((s) => [s.chatId, s.idMessage, s.status])).toEqual([
      [CHAT, idMessage, "sent"],
      [CHAT, idMessage, "delivered"],
      [CHAT, idMessage, "read"],
    ]);
  });

  test("a device suffix and @s.whatsapp.net on messages, echoes, statuses and calls; groups and the journal stay plain", async () => {
    const { client, idInstance } = newInstance(fake, { settings: { ...ALL_WEBHOOKS, incomingCallWebhook: "yes" } });
    expect(fake.control.setWireForms(idInstance, { device: 3 })).toMatchObject({ device: 3, domain: "c.us" });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "from a laptop" });
    expect((await next(client)).senderData).toMatchObject({
      chatId: "79001234567:3@c.us",
      sender: "79001234567:3@c.us",
    });
    fake.control.setWireForms(idInstance, { domain: "s.whatsapp.net" });
    fake.control.injectIncoming(idInstance, {
      type: "textMessage",
      chatId: "120363043968066561@g.us",
      sender: CHAT,
      chatName: "Team",
      text: "group",
    });
    expect((await next(client)).senderData).toMatchObject({
      chatId: "120363043968066561@g.us",
      sender: "79001234567:3@s.whatsapp.net",
    });
    fake.control.setWireForms(idInstance, { device: null });
    const { idMessage } = await client.sendMessage({ chatId: CHAT, message: "hello" });
    const echo = await next(client);
    expect(echo).toMatchObject({
      typeWebhook: "outgoingAPIMessageReceived",
      idMessage,
      senderData: { chatId: "79001234567@s.whatsapp.net" },
    });
    expect(String((echo.senderData as { sender: string }).sender)).toEndWith("@s.whatsapp.net");
    expect((await statuses(client, 3)).map((s) => s.chatId)).toEqual(Array(3).fill("79001234567@s.whatsapp.net"));
    fake.control.injectCall(idInstance, { from: CHAT, outcome: "missed" });
    expect((await next(client)).from).toBe("79001234567@s.whatsapp.net");
    const history = await client.getChatHistory({ chatId: CHAT, count: 10 });
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((m) => m.chatId === CHAT)).toBe(true);
  });

  test("statuses without chatId, and a failed send (emitted even with outgoingWebhook off)", async () => {
    const { client, idInstance } = newInstance(fake, {
      settings: { ...ALL_WEBHOOKS, outgoingWebhook: "no", outgoingAPIMessageWebhook: "no" },
    });
    fake.control.setWireForms(idInstance, { statusWithoutChatId: true });
    fake.control.setFailing(idInstance, "79000000001@c.us");
    const failed = await client.sendMessage({ chatId: "79000000001@c.us", message: "lost" });
    const [status] = await statuses(client, 1);
    expect(status).toMatchObject({
      typeWebhook: "outgoingMessageStatus",
      idMessage: failed.idMessage,
      status: "failed",
      description: "SWE003: the message could not be delivered",
    });
    expect("chatId" in status!).toBe(false);
    fake.control.setSettings(idInstance, { outgoingWebhook: "yes" });
    const ok = await client.sendMessage({ chatId: CHAT, message: "fine" });
    const three = await statuses(client, 3);
    expect(three.map((s) => [s.idMessage, s.status, "chatId" in s])).toEqual([
      [ok.idMessage, "sent", false],
      [ok.idMessage, "delivered", false],
      [ok.idMessage, "read", false],
    ]);
  });

  test("Status stories and channel posts can be injected; a bad form or id is refused", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    fake.control.injectIncoming(idInstance, {
      type: "textMessage",
      chatId: "status@broadcast",
      sender: CHAT,
      text: "my story",
    });
    expect((await next(client)).senderData).toMatchObject({ chatId: "status@broadcast", sender: CHAT });
    fake.control.injectIncoming(idInstance, {
      type: "textMessage",
      chatId: "120363025246125486@newsletter",
      text: "news",
    });
    expect((await next(client)).senderData).toMatchObject({
      chatId: "120363025246125486@newsletter",
      sender: "120363025246125486@newsletter",
    });
    expect(() =>
      fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: "79001234567:3@c.us", text: "x" }),
    ).toThrow();
    expect(() => fake.control.setWireForms(idInstance, { domain: "example.com" as never })).toThrow();
  });
});
