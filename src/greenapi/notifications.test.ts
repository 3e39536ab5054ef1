// Every webhook example of shared/green-api.md §3 parses to the right event; unknown types are kept, not dropped.
import { describe, expect, test } from "bun:test";
import {
  INSTANCE_DATA,
  MESSAGE_DATA_EXAMPLES,
  messageEnvelope,
  OTHER_NOTIFICATION_EXAMPLES,
  REFERENCE_ENVELOPE,
} from "./examples.ts";
import { isMessageNotification, parseNotification, type NotificationEvent } from "./notifications.ts";

function ok(body: unknown): NotificationEvent {
  const r = parseNotification(body);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

const text = MESSAGE_DATA_EXAMPLES.textMessage!;

describe("message notifications", () => {
  test("the reference envelope is an incoming text message", () => {
    const e = ok(REFERENCE_ENVELOPE);
    expect(e.typeWebhook).toBe("incomingMessageReceived");
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "textMessage") throw new Error("wrong kind");
    expect(e.messageData.textMessageData.textMessage).toBe("hi");
    expect(e.senderData.senderContactName).toBe("John Doe");
  });

  test("each typeMessage example, in each of the three envelopes, keeps its kind and type", () => {
    for (const typeWebhook of ["incomingMessageReceived", "outgoingMessageReceived", "outgoingAPIMessageReceived"]) {
      for (const [type, messageData] of Object.entries(MESSAGE_DATA_EXAMPLES)) {
        const e = ok(messageEnvelope(messageData, typeWebhook));
        if (!isMessageNotification(e)) throw new Error(`${type}: not a message`);
        expect([e.typeWebhook, e.messageData.typeMessage]).toEqual([typeWebhook, type] as never);
      }
    }
  });

  test("group and @lid chat ids are accepted, and senderContactName/chatName may be absent", () => {
    const e = ok({
      ...messageEnvelope(text),
      senderData: { chatId: "120363043968066561@g.us", sender: "155508384256027@lid", senderName: "Nick" },
    });
    if (!isMessageNotification(e)) throw new Error("not a message");
    expect(e.senderData.sender).toBe("155508384256027@lid");
    expect(
      ok({
        ...messageEnvelope(text),
        senderData: { chatId: "79001234567-1581234048@g.us", sender: "79001234567@c.us" },
      }),
    ).toBeTruthy();
  });

  test("an unknown typeMessage keeps the envelope and the raw payload", () => {
    const raw = { typeMessage: "productMessage", productMessageData: { id: 1 } };
    const e = ok(messageEnvelope(raw));
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "unknown") throw new Error("wrong kind");
    expect(e.messageData.raw).toEqual(raw);
    expect(e.senderData.chatId).toBe("79001234568@c.us");
  });

  test("a chat id with a foreign suffix is refused", () => {
    const body = messageEnvelope(text);
    const r = parseNotification({ ...body, senderData: { ...(body.senderData as object), chatId: "123@example.com" } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("invalid incomingMessageReceived: senderData.chatId: not a WhatsApp chat id");
  });

  test("device-suffixed and @s.whatsapp.net ids come out canonical; the body keeps them as sent", () => {
    const body = {
      ...messageEnvelope(text),
      senderData: { chatId: "79001234567:3@s.whatsapp.net", sender: "79001234567:3@c.us", senderName: "Ann" },
    };
    const copy = structuredClone(body);
    const e = ok(body);
    if (!isMessageNotification(e)) throw new Error("not a message");
    expect([e.senderData.chatId, e.senderData.sender]).toEqual(["79001234567@c.us", "79001234567@c.us"]);
    expect(body).toEqual(copy);
  });

  test("Status stories and channel posts parse, with their canonical ids", () => {
    const story = ok({
      ...messageEnvelope(text),
      senderData: { chatId: "status@broadcast", sender: "79001234567@s.whatsapp.net" },
    });
    const post = ok({
      ...messageEnvelope(text),
      senderData: { chatId: "120363025246125486@newsletter", sender: "120363025246125486@newsletter" },
    });
    if (!isMessageNotification(story) || !isMessageNotification(post)) throw new Error("not messages");
    expect([story.senderData.chatId, story.senderData.sender]).toEqual(["status@broadcast", "79001234567@c.us"]);
    expect(post.senderData.chatId).toBe("120363025246125486@newsletter");
  });
});

describe("other notifications", () => {
  for (const [i, [type, body]] of OTHER_NOTIFICATION_EXAMPLES.entries()) {
    test(`${type} example ${i + 1} parses to its kind`, () => {
      expect(ok(body).typeWebhook).toBe(type as never);
    });
  }

  test("every documented outgoing status is accepted, an invented one is refused with a reason", () => {
    const status = OTHER_NOTIFICATION_EXAMPLES[0]![1];
    for (const s of ["sent", "delivered", "read", "failed", "noAccount", "notInGroup", "yellowCard"]) {
      expect(parseNotification({ ...status, status: s }).ok).toBe(true);
    }
    const r = parseNotification({ ...status, status: "teleported" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("status");
  });

  test("a status may come without chatId, or with a device suffix; calls and blocks take every form too", () => {
    const { chatId: _, ...status } = OTHER_NOTIFICATION_EXAMPLES[0]![1] as Record<string, unknown>;
    const bare = ok({ ...status, status: "failed" });
    if (bare.typeWebhook !== "outgoingMessageStatus") throw new Error("not a status");
    expect(bare.chatId).toBeUndefined();
    expect(bare.status).toBe("failed");
    const device = ok({ ...status, chatId: "79001234567:3@c.us", status: "read" });
    if (device.typeWebhook !== "outgoingMessageStatus") throw new Error("not a status");
    expect(device.chatId).toBe("79001234567@c.us");
    const call = ok({
      typeWebhook: "incomingCall",
      instanceData: INSTANCE_DATA,
      timestamp: 1,
      idMessage: "C1",
      status: "offer",
      from: "79001234567@s.whatsapp.net",
    });
    if (call.typeWebhook !== "incomingCall") throw new Error("not a call");
    expect(call.from).toBe("79001234567@c.us");
    const block = ok({
      typeWebhook: "incomingBlock",
      instanceData: INSTANCE_DATA,
      timestamp: 1,
      chatId: "79001234567:2@c.us",
      chatState: "blocked",
    });
    if (block.typeWebhook !== "incomingBlock") throw new Error("not a block");
    expect(block.chatId).toBe("79001234567@c.us");
    expect(parseNotification({ ...status, chatId: "", status: "read" }).ok).toBe(false);
  });

  test("an unknown typeWebhook becomes an unknown event carrying the raw body", () => {
    const body = {
      typeWebhook: "groupParticipantsChanged",
      instanceData: INSTANCE_DATA,
      timestamp: 1,
      whatever: [1, 2],
    };
    const e = ok(body);
    if (e.typeWebhook !== "unknown") throw new Error("expected unknown");
    expect(e.originalTypeWebhook).toBe("groupParticipantsChanged");
    expect(e.raw).toEqual(body);
  });

  test("bodies without a typeWebhook, or a known type with missing fields, are refused", () => {
    expect(parseNotification(null).ok).toBe(false);
    expect(parseNotification([1]).ok).toBe(false);
    expect(parseNotification({ instanceData: INSTANCE_DATA }).ok).toBe(false);
    expect(parseNotification({ typeWebhook: "incomingMessageReceived" }).ok).toBe(false);
  });
});
