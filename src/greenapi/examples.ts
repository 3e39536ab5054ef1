// Wire examples from shared/green-api.md §3 (verbatim where the reference has JSON, else built from its tables), for tests.
// Over 250 lines for a reason: wire examples copied verbatim from the reference, kept together to compare with it.

export const INSTANCE_DATA = { idInstance: 7103000001, wid: "79990000000@c.us", typeInstance: "whatsapp" };

const senderData = {
  chatId: "79001234568@c.us",
  chatName: "John",
  sender: "79001234568@c.us",
  senderName: "John",
  senderContactName: "John Doe",
};

/** The reference message envelope, verbatim. */
export const REFERENCE_ENVELOPE: Record<string, unknown> = JSON.parse(`{"typeWebhook":"incomingMessageReceived",
 "instanceData":{"idInstance":7103000001,"wid":"79990000000@c.us","typeInstance":"whatsapp"},
 "timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E45923F5EDB825",
 "senderData":{"chatId":"79001234568@c.us","chatName":"John","sender":"79001234568@c.us","senderName":"John","senderContactName":"John Doe"},
 "messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"}}}`);

/** A message notification around `messageData`. */
export function messageEnvelope(messageData: object, typeWebhook = "incomingMessageReceived"): Record<string, unknown> {
  return {
    typeWebhook,
    instanceData: INSTANCE_DATA,
    timestamp: 1588091580,
    idMessage: "F7AEC1B7086ECDC7E6E45923F5EDB825",
    senderData,
    messageData,
  };
}

const file = {
  downloadUrl: "https://sw-media.storage.yandexcloud.net/1101/a.png",
  caption: "look",
  fileName: "a.png",
  jpegThumbnail: "",
  mimeType: "image/png",
  forwardingScore: 0,
  isForwarded: false,
};

/** One `messageData` per typeMessage row of the reference table, keyed by typeMessage. */
export const MESSAGE_DATA_EXAMPLES: Record<string, Record<string, unknown>> = {
  textMessage: { typeMessage: "textMessage", textMessageData: { textMessage: "{{SWE001}}" } },
  extendedTextMessage: {
    typeMessage: "extendedTextMessage",
    extendedTextMessageData: {
      text: "see https://x.y",
      description: "d",
      title: "t",
      previewType: "None",
      jpegThumbnail: "",
      forwardingScore: 0,
      isForwarded: false,
      containsAutoReply: false,
      sourceUrl: "https://ad",
    },
  },
  quotedMessage: {
    typeMessage: "quotedMessage",
    extendedTextMessageData: { text: "reply", stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us" },
    quotedMessage: {
      stanzaId: "BAE5F4886F6F2D05",
      participant: "79990000000@c.us",
      typeMessage: "textMessage",
      textMessage: "orig",
    },
  },
  imageMessage: { typeMessage: "imageMessage", fileMessageData: file },
  videoMessage: { typeMessage: "videoMessage", fileMessageData: { ...file, mimeType: "video/mp4" } },
  audioMessage: { typeMessage: "audioMessage", fileMessageData: { ...file, mimeType: "audio/ogg; codecs=opus" } },
  documentMessage: {
    typeMessage: "documentMessage",
    fileMessageData: { ...file, fileName: "invoice.pdf", mimeType: "application/pdf" },
  },
  stickerMessage: {
    typeMessage: "stickerMessage",
    fileMessageData: { ...file, mimeType: "image/webp", isAnimated: true },
  },
  locationMessage: {
    typeMessage: "locationMessage",
    locationMessageData: {
      nameLocation: "Office",
      address: "Main st 1",
      jpegThumbnail: "",
      latitude: 55.75,
      longitude: 37.61,
      forwardingScore: 0,
      isForwarded: false,
    },
  },
  contactMessage: {
    typeMessage: "contactMessage",
    contactMessageData: { displayName: "Ann", vcard: "BEGIN:VCARD\nEND:VCARD", forwardingScore: 0, isForwarded: false },
  },
  contactsArrayMessage: {
    typeMessage: "contactsArrayMessage",
    messageData: {
      contacts: [{ displayName: "Ann", vcard: "BEGIN:VCARD\nEND:VCARD" }],
      forwardingScore: 0,
      isForwarded: false,
    },
  },
  pollMessage: {
    typeMessage: "pollMessage",
    pollMessageData: { name: "Lunch?", options: [{ optionName: "yes" }, { optionName: "no" }], multipleAnswers: false },
  },
  pollUpdateMessage: {
    typeMessage: "pollUpdateMessage",
    pollMessageData: {
      stanzaId: "BAE5A1",
      name: "Lunch?",
      votes: [
        { optionName: "yes", optionVoters: ["79001234568@c.us"] },
        { optionName: "no", optionVoters: [] },
      ],
      multipleAnswers: false,
    },
  },
  reactionMessage: {
    typeMessage: "reactionMessage",
    extendedTextMessageData: { text: "👍" },
    quotedMessage: { stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us" },
  },
  editedMessage: {
    typeMessage: "editedMessage",
    editedMessageData: { textMessage: "fixed", stanzaId: "BAE5F4886F6F2D05" },
  },
  deletedMessage: { typeMessage: "deletedMessage", deletedMessageData: { stanzaId: "BAE5F4886F6F2D05" } },
  buttonsResponseMessage: {
    typeMessage: "buttonsResponseMessage",
    buttonsResponseMessage: { stanzaId: "S1", selectedButtonId: "1", selectedButtonText: "Yes" },
  },
  listResponseMessage: {
    typeMessage: "listResponseMessage",
    listResponseMessage: { stanzaId: "S1", title: "Pick", listType: 1, singleSelectReply: "row1" },
  },
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
    groupInviteMessageData: {
      groupJid: "120363043968066561@g.us",
      inviteCode: "AbC",
      inviteExpiration: "1706522263",
      groupName: "Team",
      caption: "",
      name: "Team",
      jpegThumbnail: "",
    },
  },
  buttonsMessage: {
    typeMessage: "buttonsMessage",
    buttonsMessage: { contentText: "Choose", footer: "f", buttons: [{ buttonId: "1", buttonText: "A" }] },
  },
  listMessage: {
    typeMessage: "listMessage",
    listMessage: {
      contentText: "Menu",
      sections: [{ title: "s", rows: [{ title: "r", rowId: "1", description: "" }] }],
    },
  },
  templateMessage: { typeMessage: "templateMessage", templateMessage: { contentText: "T", buttons: [] } },
  interactiveButtons: { typeMessage: "interactiveButtons", interactiveButtons: { contentText: "T", buttons: [] } },
  interactiveButtonsReply: {
    typeMessage: "interactiveButtonsReply",
    interactiveButtonsReply: { contentText: "T", buttons: [] },
  },
};

/** The other notification types, as [typeWebhook, body]. */
export const OTHER_NOTIFICATION_EXAMPLES: Array<[string, Record<string, unknown>]> = [
  [
    "outgoingMessageStatus",
    {
      typeWebhook: "outgoingMessageStatus",
      chatId: "79001234568@c.us",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      idMessage: "BAE5F4886F6F2D05",
      status: "delivered",
      sendByApi: true,
    },
  ],
  [
    "outgoingMessageStatus",
    {
      typeWebhook: "outgoingMessageStatus",
      chatId: "120363043968066561@g.us",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      idMessage: "BAE5F4886F6F2D05",
      status: "failed",
      description: "SWE004: the number of participants in the group has been exceeded - 300",
      sendByApi: true,
    },
  ],
  [
    "stateInstanceChanged",
    {
      typeWebhook: "stateInstanceChanged",
      instanceData: { ...INSTANCE_DATA, wid: "" },
      timestamp: 1588091580,
      stateInstance: "notAuthorized",
    },
  ],
  [
    "incomingCall",
    {
      from: "79001234568@c.us",
      typeWebhook: "incomingCall",
      instanceData: INSTANCE_DATA,
      status: "offer",
      timestamp: 1588091580,
      idMessage: "DE7A1A9C5CBB4CF2A20B49E7A8F5CB3C",
    },
  ],
  [
    "outgoingCall",
    {
      typeWebhook: "outgoingCall",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      idMessage: "AC1",
      from: "79001234568@c.us",
      isVideo: false,
      duration: 12,
      status: "pickUp",
      participants: [],
    },
  ],
  [
    "quotaExceeded",
    {
      typeWebhook: "quotaExceeded",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      quotaData: {
        method: "correspondents",
        used: 3,
        total: 3,
        status: "CORRESPONDENTS_QUOTA_EXCEEDED",
        description: "Monthly quota has been exceeded.",
      },
    },
  ],
  [
    "statusInstanceChanged",
    {
      typeWebhook: "statusInstanceChanged",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      statusInstance: "online",
    },
  ],
  [
    "deviceInfo",
    {
      typeWebhook: "deviceInfo",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      deviceData: {
        platform: "android",
        deviceManufacturer: "x",
        deviceModel: "y",
        osVersion: "14",
        waVersion: "2.24",
        battery: 80,
      },
    },
  ],
  [
    "incomingBlock",
    {
      typeWebhook: "incomingBlock",
      instanceData: INSTANCE_DATA,
      timestamp: 1588091580,
      chatId: "79001234568@c.us",
      chatState: "blocked",
    },
  ],
];
