// Journal items become the message notifications the inbox already understands (shared/green-api.md §2 "Journals").
import { describe, expect, test } from "bun:test";
import { journalDeletion, journalToNotification } from "./journal.ts";
import { isMessageNotification, parseNotification } from "./notifications.ts";
import { journalMessageSchema } from "./schemas.ts";

const INSTANCE = { idInstance: 7103000001, wid: "79990000000@c.us" };

function convert(item: Record<string, unknown>) {
  const body = journalToNotification(journalMessageSchema.parse(item), INSTANCE);
  const parsed = parseNotification(body);
  if (!parsed.ok || !isMessageNotification(parsed.event))
    throw new Error(parsed.ok ? parsed.event.typeWebhook : parsed.reason);
  return { body, event: parsed.event };
}

const incoming = {
  type: "incoming",
  timestamp: 1706522263,
  chatId: "79001234567@c.us",
  senderId: "79001234567@c.us",
  senderName: "Nick",
};
const outgoing = { type: "outgoing", timestamp: 1706522263, chatId: "79001234567@c.us", statusMessage: "read" };

describe("journalToNotification", () => {
  test("the reference example (incoming text in a group)", () => {
    const { event } = convert({
      type: "incoming",
      idMessage: "9DB1F2C3D4E5F6789",
      timestamp: 1706522263,
      typeMessage: "textMessage",
      chatId: "120363153000000000@g.us",
      textMessage: "Hi",
      senderId: "70000000012@c.us",
      senderName: "Nick",
      senderContactName: "Nick W",
    });
    expect(event.typeWebhook).toBe("incomingMessageReceived");
    expect(event.idMessage).toBe("9DB1F2C3D4E5F6789");
    expect(event.timestamp).toBe(1706522263);
    expect(event.senderData).toMatchObject({
      chatId: "120363153000000000@g.us",
      sender: "70000000012@c.us",
      senderName: "Nick",
      senderContactName: "Nick W",
    });
    expect(event.messageData).toEqual({ typeMessage: "textMessage", textMessageData: { textMessage: "Hi" } });
  });

  test("repaired as live notifications are: NUL bytes stripped, milliseconds divided, an impossible time replaced by now", () => {
    const ms = convert({
      ...incoming,
      idMessage: "MS1",
      typeMessage: "textMessage",
      textMessage: "a\u0000b",
      senderName: "N\u0000ick",
      timestamp: 1706522263123,
    }).event;
    expect(ms.timestamp).toBe(1706522263);
    expect(ms.senderData.senderName).toBe("Nick");
    expect(ms.messageData).toEqual({ typeMessage: "textMessage", textMessageData: { textMessage: "ab" } });
    const before = Math.floor(Date.now() / 1000);
    const negative = convert({
      ...incoming,
      idMessage: "NEG1",
      typeMessage: "textMessage",
      textMessage: "x",
      timestamp: -5,
    }).event;
    expect(negative.timestamp).toBeGreaterThanOrEqual(before);
    expect(negative.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  test("outgoing: typed on the phone or sent through the API", () => {
    expect(
      convert({ ...outgoing, idMessage: "3EB0A", typeMessage: "textMessage", textMessage: "ok", sendByApi: false })
        .event.typeWebhook,
    ).toBe("outgoingMessageReceived");
    const api = convert({
      ...outgoing,
      idMessage: "BAE5A",
      typeMessage: "textMessage",
      textMessage: "ok",
      sendByApi: true,
    }).event;
    expect(api.typeWebhook).toBe("outgoingAPIMessageReceived");
    expect(api.senderData.sender).toBe(INSTANCE.wid);
  });

  test("files, quotes, locations, contacts and reactions get their webhook payload back", () => {
    const image = convert({
      ...incoming,
      idMessage: "A1",
      typeMessage: "imageMessage",
      downloadUrl: "https://x/f.jpg",
      caption: "look",
      fileName: "f.jpg",
      mimeType: "image/jpeg",
      jpegThumbnail: "",
    }).event;
    expect(image.messageData).toMatchObject({
      typeMessage: "imageMessage",
      fileMessageData: { downloadUrl: "https://x/f.jpg", caption: "look", mimeType: "image/jpeg" },
    });

    const ext = convert({
      ...incoming,
      idMessage: "A2",
      typeMessage: "extendedTextMessage",
      textMessage: "see https://x",
      extendedTextMessage: { title: "X", description: "d" },
    }).event;
    expect(ext.messageData).toMatchObject({
      typeMessage: "extendedTextMessage",
      extendedTextMessageData: { text: "see https://x", title: "X" },
    });

    const quoted = convert({
      ...incoming,
      idMessage: "A3",
      typeMessage: "quotedMessage",
      textMessage: "yes",
      quotedMessage: { stanzaId: "A1", participant: "79001234567@c.us", typeMessage: "imageMessage" },
    }).event;
    expect(quoted.messageData).toMatchObject({
      typeMessage: "quotedMessage",
      extendedTextMessageData: { text: "yes", stanzaId: "A1" },
      quotedMessage: { stanzaId: "A1" },
    });

    const location = convert({
      ...incoming,
      idMessage: "A4",
      typeMessage: "locationMessage",
      location: { latitude: 55.7, longitude: 37.6, nameLocation: "Office" },
    }).event;
    expect(location.messageData).toMatchObject({
      typeMessage: "locationMessage",
      locationMessageData: { latitude: 55.7, longitude: 37.6 },
    });

    const contacts = convert({
      ...incoming,
      idMessage: "A5",
      typeMessage: "contactsArrayMessage",
      contacts: [{ displayName: "A", vcard: "BEGIN:VCARD" }],
    }).event;
    expect(contacts.messageData).toMatchObject({
      typeMessage: "contactsArrayMessage",
      messageData: { contacts: [{ displayName: "A" }] },
    });

    const reaction = convert({
      ...incoming,
      idMessage: "A6",
      typeMessage: "reactionMessage",
      extendedTextMessageData: { text: "👍" },
      quotedMessage: { stanzaId: "A1", participant: "79001234567@c.us" },
    }).event;
    expect(reaction.messageData).toMatchObject({
      typeMessage: "reactionMessage",
      extendedTextMessageData: { text: "👍" },
      quotedMessage: { stanzaId: "A1" },
    });
  });

  test("payloads journals keep under their own key (polls) pass through; unknown types stay unknown", () => {
    const poll = convert({
      ...incoming,
      idMessage: "P1",
      typeMessage: "pollMessage",
      pollMessageData: {
        name: "Lunch?",
        options: [{ optionName: "Yes" }, { optionName: "No" }],
        multipleAnswers: false,
      },
    }).event;
    expect(poll.messageData).toMatchObject({ typeMessage: "pollMessage", pollMessageData: { name: "Lunch?" } });
    const odd = convert({ ...incoming, idMessage: "P2", typeMessage: "brandNewMessage", brandNew: { x: 1 } }).event;
    expect(odd.messageData).toMatchObject({ typeMessage: "unknown", originalTypeMessage: "brandNewMessage" });
  });

  test("a deleted item also yields the deletion of itself", () => {
    const item = journalMessageSchema.parse({
      ...incoming,
      idMessage: "D1",
      typeMessage: "textMessage",
      textMessage: "oops",
      isDeleted: true,
    });
    const body = journalDeletion(item, INSTANCE)!;
    const parsed = parseNotification(body);
    expect(parsed.ok && isMessageNotification(parsed.event) && parsed.event.messageData).toEqual({
      typeMessage: "deletedMessage",
      deletedMessageData: { stanzaId: "D1" },
    });
    expect(
      journalDeletion(
        journalMessageSchema.parse({ ...incoming, idMessage: "D2", typeMessage: "textMessage", textMessage: "fine" }),
        INSTANCE,
      ),
    ).toBeNull();
  });
});
