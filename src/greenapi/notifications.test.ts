// Every webhook example of shared/green-api.md §3 parses to the right event; unknown types are kept.
import { describe, expect, test } from "bun:test";
import { isMessageNotification, parseNotification, type NotificationEvent } from "./notifications.ts";

const instanceData = { idInstance: 7103000001, wid: "79990000000@c.us", typeInstance: "whatsapp" };
const senderData = {
  chatId: "79001234568@c.us", chatName: "John", sender: "79001234568@c.us", senderName: "John", senderContactName: "John Doe",
};
const envelope = (messageData: object, typeWebhook = "incomingMessageReceived") => ({
  typeWebhook, instanceData, timestamp: 1588091580, idMessage: "F7AEC1B7086ECDC7E6E45923F5EDB825", senderData, messageData,
});
const file = { downloadUrl: "https://sw-media.storage.yandexcloud.net/1101/a.png", caption: "look", fileName: "a.png", jpegThumbnail: "", mimeType: "image/png", forwardingScore: 0, isForwarded: false };

/** The reference envelope verbatim. */
const REFERENCE_ENVELOPE = JSON.parse(`{"typeWebhook":"incomingMessageReceived",
 "instanceData":{"idInstance":7103000001,"wid":"79990000000@c.us","typeInstance":"whatsapp"},
 "timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E45923F5EDB825",
 "senderData":{"chatId":"79001234568@c.us","chatName":"John","sender":"79001234568@c.us","senderName":"John","senderContactName":"John Doe"},
 "messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"}}}`);

/** One messageData per typeMessage row of the reference table. */
const MESSAGE_DATA: Record<string, object> = {
  textMessage: { typeMessage: "textMessage", textMessageData: { textMessage: "{{SWE001}}" } },
  extendedTextMessage: {
    typeMessage: "extendedTextMessage",
    extendedTextMessageData: { text: "see https://x.y", description: "d", title: "t", previewType: "None", jpegThumbnail: "", forwardingScore: 0, isForwarded: false, containsAutoReply: false, sourceUrl: "https://ad" },
  },
  quotedMessage: {
    typeMessage: "quotedMessage",
    extendedTextMessageData: { text: "reply", stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us" },
    quotedMessage: { stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us", typeMessage: "textMessage", textMessage: "orig" },
  },
  imageMessage: { typeMessage: "imageMessage", fileMessageData: file },
  videoMessage: { typeMessage: "videoMessage", fileMessageData: { ...file, mimeType: "video/mp4" } },
  audioMessage: { typeMessage: "audioMessage", fileMessageData: { ...file, mimeType: "audio/ogg; codecs=opus" } },
  documentMessage: { typeMessage: "documentMessage", fileMessageData: { ...file, fileName: "invoice.pdf", mimeType: "application/pdf" } },
  stickerMessage: { typeMessage: "stickerMessage", fileMessageData: { ...file, mimeType: "image/webp", isAnimated: true } },
  locationMessage: {
    typeMessage: "locationMessage",
    locationMessageData: { nameLocation: "Office", address: "Main st 1", jpegThumbnail: "", latitude: 55.75, longitude: 37.61, forwardingScore: 0, isForwarded: false },
  },
  contactMessage: { typeMessage: "contactMessage", contactMessageData: { displayName: "Ann", vcard: "BEGIN:VCARD\nEND:VCARD", forwardingScore: 0, isForwarded: false } },
  contactsArrayMessage: {
    typeMessage: "contactsArrayMessage",
    messageData: { contacts: [{ displayName: "Ann", vcard: "BEGIN:VCARD\nEND:VCARD" }], forwardingScore: 0, isForwarded: false },
  },
  pollMessage: { typeMessage: "pollMessage", pollMessageData: { name: "Lunch?", options: [{ optionName: "yes" }, { optionName: "no" }], multipleAnswers: false } },
  pollUpdateMessage: {
    typeMessage: "pollUpdateMessage",
    pollMessageData: { stanzaId: "BAE5A1", name: "Lunch?", votes: [{ optionName: "yes", optionVoters: ["79001234568@c.us"] }, { optionName: "no", optionVoters: [] }], multipleAnswers: false },
  },
  reactionMessage: {
    typeMessage: "reactionMessage",
    extendedTextMessageData: { text: "👍" },
    quotedMessage: { stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us" },
  },
  editedMessage: { typeMessage: "editedMessage", editedMessageData: { textMessage: "fixed", stanzaId: "BAE5F4886F6F2D05" } },
  deletedMessage: { typeMessage: "deletedMessage", deletedMessageData: { stanzaId: "BAE5F4886F6F2D05" } },
  buttonsResponseMessage: { typeMessage: "buttonsResponseMessage", buttonsResponseMessage: { stanzaId: "S1", selectedButtonId: "1", selectedButtonText: "Yes" } },
  listResponseMessage: { typeMessage: "listResponseMessage", listResponseMessage: { stanzaId: "S1", title: "Pick", listType: 1, singleSelectReply: "row1" } },
  templateButtonsReplyMessage: {
    typeMessage: "templateButtonsReplyMessage",
    templateButtonReplyMessage: { stanzaId: "S1", selectedIndex: 0, selectedId: "1", selectedDisplayText: "OK" },
  },
  templateButtonReplyMessage: {
    typeMessage: "templateButtonReplyMessage",
    templateButtonReplyMessage: { stanzaId: "S1", selectedIndex: 1, selectedId: "2", selectedDisplayText: "No" },
  },
  interactiveButtonsResponse: {
    typeMessage: "interactiveButtonsResponse",
    interactiveButtonsResponse: { stanzaId: "S1", selectedIndex: 0, selectedId: "1", selectedDisplayText: "OK" },
  },
  groupInviteMessage: {
    typeMessage: "groupInviteMessage",
    groupInviteMessageData: { groupJid: "120363043968066561@g.us", inviteCode: "AbC", inviteExpiration: "1706522263", groupName: "Team", caption: "", name: "Team", jpegThumbnail: "" },
  },
  buttonsMessage: { typeMessage: "buttonsMessage", buttonsMessage: { contentText: "Choose", footer: "f", buttons: [{ buttonId: "1", buttonText: "A" }] } },
  listMessage: { typeMessage: "listMessage", listMessage: { contentText: "Menu", sections: [{ title: "s", rows: [{ title: "r", rowId: "1", description: "" }] }] } },
  templateMessage: { typeMessage: "templateMessage", templateMessage: { contentText: "T", buttons: [] } },
  interactiveButtons: { typeMessage: "interactiveButtons", interactiveButtons: { contentText: "T", buttons: [] } },
  interactiveButtonsReply: { typeMessage: "interactiveButtonsReply", interactiveButtonsReply: { contentText: "T", buttons: [] } },
};

function ok(body: unknown): NotificationEvent {
  const r = parseNotification(body);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

describe("message notifications", () => {
  test("the reference envelope is an incoming text message", () => {
    const e = ok(REFERENCE_ENVELOPE);
    expect(e.typeWebhook).toBe("incomingMessageReceived");
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "textMessage") throw new Error("wrong kind");
    expect(e.messageData.textMessageData.textMessage).toBe("hi");
    expect(e.senderData.senderContactName).toBe("John Doe");
  });

  for (const [type, messageData] of Object.entries(MESSAGE_DATA)) {
    test(`typeMessage ${type} parses to its own typed variant`, () => {
      const e = ok(envelope(messageData));
      if (!isMessageNotification(e)) throw new Error("not a message");
      expect(e.messageData.typeMessage).toBe(type as never);
    });
  }

  test("the two outgoing envelopes keep their kind", () => {
    expect(ok(envelope(MESSAGE_DATA.textMessage!, "outgoingMessageReceived")).typeWebhook).toBe("outgoingMessageReceived");
    expect(ok(envelope(MESSAGE_DATA.imageMessage!, "outgoingAPIMessageReceived")).typeWebhook).toBe("outgoingAPIMessageReceived");
  });

  test("a reaction is not text: its emoji sits under extendedTextMessageData with the quoted id", () => {
    const e = ok(envelope(MESSAGE_DATA.reactionMessage!));
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "reactionMessage") throw new Error("wrong kind");
    expect(e.messageData.extendedTextMessageData.text).toBe("👍");
    expect(e.messageData.quotedMessage.stanzaId).toBe("BAE5F4886F6F2D05");
  });

  test("any message may carry a quotedMessage", () => {
    const e = ok(envelope({ ...MESSAGE_DATA.imageMessage!, quotedMessage: { stanzaId: "X1", participant: "7@c.us", typeMessage: "textMessage", textMessage: "q" } }));
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "imageMessage") throw new Error("wrong kind");
    expect(e.messageData.quotedMessage?.stanzaId).toBe("X1");
  });

  test("group and @lid chat ids are accepted, and senderContactName/chatName may be absent", () => {
    const e = ok({
      ...envelope(MESSAGE_DATA.textMessage!),
      senderData: { chatId: "120363043968066561@g.us", sender: "155508384256027@lid", senderName: "Nick" },
    });
    if (!isMessageNotification(e)) throw new Error("not a message");
    expect(e.senderData.sender).toBe("155508384256027@lid");
    expect(ok({ ...envelope(MESSAGE_DATA.textMessage!), senderData: { chatId: "79001234567-1581234048@g.us", sender: "79001234567@c.us" } })).toBeTruthy();
  });

  test("an unknown typeMessage keeps the envelope and the raw payload", () => {
    const raw = { typeMessage: "orderMessage", orderMessageData: { items: 3 } };
    const e = ok(envelope(raw));
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "unknown") throw new Error("wrong kind");
    expect(e.messageData.originalTypeMessage).toBe("orderMessage");
    expect(e.messageData.raw).toEqual(raw);
    expect(e.senderData.chatId).toBe("79001234568@c.us");
  });

  test("a known typeMessage with a broken payload becomes unknown with a reason, not a crash", () => {
    const e = ok(envelope({ typeMessage: "textMessage", textMessageData: { textMessage: 42 } }));
    if (!isMessageNotification(e) || e.messageData.typeMessage !== "unknown") throw new Error("wrong kind");
    expect(e.messageData.reason).toContain("malformed textMessage");
    expect(e.messageData.reason).not.toContain("42");
  });

  test("a chat id with a foreign suffix is refused", () => {
    const r = parseNotification({ ...envelope(MESSAGE_DATA.textMessage!), senderData: { ...senderData, chatId: "123@s.whatsapp.net" } });
    expect(r.ok).toBe(false);
  });
});

describe("other notifications", () => {
  const cases: Array<[string, object]> = [
    ["outgoingMessageStatus", { typeWebhook: "outgoingMessageStatus", chatId: "79001234568@c.us", instanceData, timestamp: 1588091580, idMessage: "BAE5F4886F6F2D05", status: "delivered", sendByApi: true }],
    ["outgoingMessageStatus", { typeWebhook: "outgoingMessageStatus", chatId: "120363043968066561@g.us", instanceData, timestamp: 1588091580, idMessage: "BAE5F4886F6F2D05", status: "failed", description: "SWE004: the number of participants in the group has been exceeded - 300", sendByApi: true }],
    ["stateInstanceChanged", { typeWebhook: "stateInstanceChanged", instanceData: { ...instanceData, wid: "" }, timestamp: 1588091580, stateInstance: "notAuthorized" }],
    ["incomingCall", { from: "79001234568@c.us", typeWebhook: "incomingCall", instanceData, status: "offer", timestamp: 1588091580, idMessage: "DE7A1A9C5CBB4CF2A20B49E7A8F5CB3C" }],
    ["outgoingCall", { typeWebhook: "outgoingCall", instanceData, timestamp: 1588091580, idMessage: "AC1", from: "79001234568@c.us", isVideo: false, duration: 12, status: "pickUp", participants: [] }],
    ["quotaExceeded", { typeWebhook: "quotaExceeded", instanceData, timestamp: 1588091580, quotaData: { method: "correspondents", used: 3, total: 3, status: "CORRESPONDENTS_QUOTA_EXCEEDED", description: "Monthly quota has been exceeded." } }],
    ["statusInstanceChanged", { typeWebhook: "statusInstanceChanged", instanceData, timestamp: 1588091580, statusInstance: "online" }],
    ["deviceInfo", { typeWebhook: "deviceInfo", instanceData, timestamp: 1588091580, deviceData: { platform: "android", deviceManufacturer: "x", deviceModel: "y", osVersion: "14", waVersion: "2.24", battery: 80 } }],
    ["incomingBlock", { typeWebhook: "incomingBlock", instanceData, timestamp: 1588091580, chatId: "79001234568@c.us", chatState: "blocked" }],
  ];
  for (const [i, [type, body]] of cases.entries()) {
    test(`${type} example ${i + 1} parses to its kind`, () => {
      expect(ok(body).typeWebhook).toBe(type as never);
    });
  }

  test("every documented outgoing status is accepted, an invented one is refused with a reason", () => {
    for (const status of ["sent", "delivered", "read", "failed", "noAccount", "notInGroup", "yellowCard"]) {
      expect(parseNotification({ ...cases[0]![1], status }).ok).toBe(true);
    }
    const r = parseNotification({ ...cases[0]![1], status: "teleported" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("status");
  });

  test("an unknown typeWebhook becomes an unknown event carrying the raw body", () => {
    const body = { typeWebhook: "groupParticipantsChanged", instanceData, timestamp: 1, whatever: [1, 2] };
    const e = ok(body);
    if (e.typeWebhook !== "unknown") throw new Error("expected unknown");
    expect(e.originalTypeWebhook).toBe("groupParticipantsChanged");
    expect(e.raw).toEqual(body);
  });

  test("bodies without a typeWebhook are refused", () => {
    expect(parseNotification(null).ok).toBe(false);
    expect(parseNotification([1]).ok).toBe(false);
    expect(parseNotification({ instanceData }).ok).toBe(false);
    expect(parseNotification({ typeWebhook: "incomingMessageReceived" }).ok).toBe(false);
  });
});
