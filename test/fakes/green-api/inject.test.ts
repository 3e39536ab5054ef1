// Control-API injection: every typeMessage arrives as a realistic, typed notification and lands in the journal.
import { afterAll, describe, expect, test } from "bun:test";
import { isMessageNotification } from "../../../src/greenapi/index.ts";
import type { InjectMessageInput } from "./index.ts";
import { ALL_WEBHOOKS, newInstance, startFastFake } from "./testkit.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

describe("injected message types", () => {
  const group = "120363043968066561@g.us";
  const cases: InjectMessageInput[] = [
    { type: "textMessage", chatId: CHAT, text: "hi" },
    { type: "extendedTextMessage", chatId: CHAT, text: "https://example.org", title: "Example" },
    { type: "imageMessage", chatId: group, sender: "155508384256027@lid", senderName: "Nick", caption: "pic" },
    { type: "videoMessage", chatId: CHAT },
    { type: "audioMessage", chatId: CHAT, base64: Buffer.from("OggS").toString("base64") },
    { type: "documentMessage", chatId: CHAT, fileName: "report.pdf" },
    { type: "stickerMessage", chatId: CHAT },
    { type: "locationMessage", chatId: CHAT, latitude: 55.75, longitude: 37.61, nameLocation: "Office" },
    { type: "contactMessage", chatId: CHAT, contact: { displayName: "Ann", phone: "79001112233" } },
    { type: "contactsArrayMessage", chatId: CHAT, contacts: [{ displayName: "Ann" }, { displayName: "Bob" }] },
    { type: "pollMessage", chatId: CHAT, name: "Lunch?", options: ["yes", "no"] },
    {
      type: "pollUpdateMessage",
      chatId: CHAT,
      stanzaId: "P1",
      name: "Lunch?",
      votes: [{ optionName: "yes", optionVoters: [CHAT] }],
    },
    { type: "reactionMessage", chatId: CHAT, stanzaId: "M1", emoji: "👍" },
    { type: "quotedMessage", chatId: CHAT, text: "answer", quotedMessageId: "M1" },
    { type: "editedMessage", chatId: CHAT, stanzaId: "M1", text: "fixed" },
    { type: "deletedMessage", chatId: CHAT, stanzaId: "M1" },
    { type: "buttonsResponseMessage", chatId: CHAT, stanzaId: "B1", selectedButtonId: "1", selectedButtonText: "Yes" },
    { type: "listResponseMessage", chatId: CHAT, stanzaId: "L1", title: "Menu", singleSelectReply: "row1" },
    {
      type: "templateButtonsReplyMessage",
      chatId: CHAT,
      stanzaId: "T1",
      selectedIndex: 0,
      selectedId: "1",
      selectedDisplayText: "OK",
    },
    {
      type: "interactiveButtonsResponse",
      chatId: CHAT,
      stanzaId: "I1",
      selectedIndex: 1,
      selectedId: "2",
      selectedDisplayText: "No",
    },
    { type: "groupInviteMessage", chatId: CHAT, groupJid: group, inviteCode: "AbCd", groupName: "Team" },
  ];

  test("every injected type arrives as a typed message of the same typeMessage", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "original", idMessage: "M1" });
    const seen: string[] = [];
    for (const input of cases) {
      fake.control.injectIncoming(idInstance, input);
    }
    for (let i = 0; i <= cases.length; i++) {
      const n = await client.receiveNotification();
      if (!n?.parsed.ok || !isMessageNotification(n.parsed.event))
        throw new Error(`notification ${i}: ${JSON.stringify(n?.parsed)}`);
      seen.push(n.parsed.event.messageData.typeMessage);
      await client.deleteNotification(n.receiptId);
    }
    expect(seen).toEqual(["textMessage", ...cases.map((c) => c.type)]);
    const history = await client.getChatHistory({ chatId: CHAT, count: 100 });
    const quoted = history.find((m) => m.typeMessage === "quotedMessage");
    expect(quoted?.quotedMessage).toMatchObject({ stanzaId: "M1", textMessage: "original" });
  });

  test("a raw payload with an unknown typeMessage still arrives, as `unknown` with the raw data", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    fake.control.injectIncoming(idInstance, {
      type: "raw",
      chatId: CHAT,
      typeMessage: "orderMessage",
      payload: { orderMessageData: { total: 3 } },
    });
    const n = await client.receiveNotification();
    if (!n?.parsed.ok || !isMessageNotification(n.parsed.event)) throw new Error("expected a message");
    expect(n.parsed.event.messageData).toMatchObject({
      typeMessage: "unknown",
      originalTypeMessage: "orderMessage",
      raw: { orderMessageData: { total: 3 } },
    });
  });
});

describe("hostile values on demand", () => {
  test("NUL bytes in text and names and a millisecond timestamp arrive as given, in the notification and the journal", async () => {
    const { client, idInstance } = newInstance(fake, { settings: ALL_WEBHOOKS });
    const ms = 1764000000123;
    const { idMessage } = fake.control.injectIncoming(idInstance, {
      type: "textMessage",
      chatId: CHAT,
      text: "a\u0000b",
      senderName: "N\u0000ame",
      timestamp: ms,
    });
    const n = await client.receiveNotification();
    const body = n!.body as {
      timestamp: number;
      senderData: { senderName: string };
      messageData: { textMessageData: { textMessage: string } };
    };
    expect(body.timestamp).toBe(ms);
    expect(body.senderData.senderName).toBe("N\u0000ame");
    expect(body.messageData.textMessageData.textMessage).toBe("a\u0000b");
    const [item] = await client.lastIncomingMessages();
    expect(item).toMatchObject({ idMessage, timestamp: ms, textMessage: "a\u0000b", senderName: "N\u0000ame" });
  });
});
