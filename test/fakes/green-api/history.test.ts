// The fake's chat history: seeded journals, getChatHistory / getContacts over HTTP, and scaled rate limits.
import { afterAll, describe, expect, test } from "bun:test";
import { createLimiter } from "./limiter.ts";
import { newInstance, startFastFake } from "./testkit.ts";

const fake = startFastFake();
/** For several getChatHistory calls in a row (1 request/second otherwise). */
const unlimited = startFastFake({ rateLimits: false });
afterAll(() => Promise.all([fake.stop(), unlimited.stop()]));

describe("seeded history", () => {
  test("getChatHistory answers a seeded chat newest first, getContacts lists every chat", async () => {
    const { idInstance, client } = newInstance(fake);
    const { chatIds } = fake.control.seedHistory(idInstance, { chats: 3, messagesPerChat: 5, prefix: "7912" });
    expect(chatIds).toEqual(["79120000000000@c.us", "79120000000001@c.us", "79120000000002@c.us"]);
    expect(fake.control.inspect(idInstance).journalSize).toBe(15);
    expect(fake.control.webhookLog(idInstance)).toEqual([]);
    expect(fake.control.inspect(idInstance).pendingNotifications).toBe(0);

    const history = await client.getChatHistory({ chatId: chatIds[1]!, count: 3 });
    expect(history.map((m) => (m.type === "incoming" || m.type === "outgoing" ? m.textMessage : null))).toEqual([
      "chat 1 message 4",
      "chat 1 message 3",
      "chat 1 message 2",
    ]);
    expect(history[0]).toMatchObject({
      type: "incoming",
      senderId: chatIds[1],
      senderName: "Customer 1",
      typeMessage: "textMessage",
    });
    expect(history[1]).toMatchObject({ type: "outgoing", statusMessage: "read", sendByApi: false });
    expect(history[0]!.timestamp).toBeGreaterThan(history[1]!.timestamp);

    const contacts = await client.getContacts();
    expect(contacts).toEqual(chatIds.map((id, n) => ({ id, name: `Customer ${n}`, contactName: "", type: "user" })));
  });

  test("a long chat: each answer is the newest `count` (at most what the chat holds), and every answer is logged", async () => {
    const { idInstance, client } = newInstance(unlimited);
    const [chatId] = unlimited.control.seedHistory(idInstance, {
      chats: 1,
      messagesPerChat: 350,
      prefix: "7913",
    }).chatIds;
    const text = (m: { type: string } & Record<string, unknown>) => m.textMessage;
    const first = await client.getChatHistory({ chatId: chatId!, count: 100 });
    expect(first.map(text)).toEqual(Array.from({ length: 100 }, (_, i) => `chat 0 message ${349 - i}`));
    const all = await client.getChatHistory({ chatId: chatId!, count: 400 });
    expect(all).toHaveLength(350);
    expect(all.slice(0, 100)).toEqual(first);
    expect(text(all.at(-1)!)).toBe("chat 0 message 0");
    expect(await client.getChatHistory({ chatId: chatId! })).toEqual(first);
    expect(unlimited.control.historyAsks(idInstance)).toEqual([
      { chatId: chatId!, count: 100, answered: 100 },
      { chatId: chatId!, count: 400, answered: 350 },
      { chatId: chatId!, count: 100, answered: 100 },
    ]);
  });

  test("journals and contacts need a linked phone", async () => {
    const { client } = newInstance(fake, { state: "notAuthorized" });
    await expect(client.getContacts()).rejects.toMatchObject({ kind: "badRequest", status: 400 });
  });
});

describe("rateScale", () => {
  test("multiplies every limit: 5× lets 5 getChatHistory a second through, the 6th is a violation", () => {
    let now = 10_000;
    const limiter = createLimiter(() => now, 5);
    const answers = Array.from({ length: 6 }, () => limiter.take(1, "getChatHistory"));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, true, true, false]);
    expect(answers[0]!.rate).toBe(5);
    expect(limiter.violations(1)).toBe(1);
    now += 1000;
    expect(limiter.take(1, "getChatHistory").allowed).toBe(true);
    expect(createLimiter(() => now).take(2, "getChatHistory").rate).toBe(1);
  });
});
