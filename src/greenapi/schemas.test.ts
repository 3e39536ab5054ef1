// Method response schemas against the JSON examples of shared/green-api.md §1–2.
import { describe, expect, test } from "bun:test";
import { defaultHosts, UNIVERSAL_HOSTS } from "./hosts.ts";
import { DEFAULT_RPS, rateLimitFor } from "./limits.ts";
import {
  avatarResponseSchema,
  chatIdSchema,
  contactInfoSchema,
  contactsSchema,
  deleteNotificationResponseSchema,
  downloadFileResponseSchema,
  errorBodySchema,
  journalMessageSchema,
  journalSchema,
  qrResponseSchema,
  quotaBodySchema,
  receiveNotificationResponseSchema,
  saveSettingsResponseSchema,
  sendFileByUploadResponseSchema,
  sendResponseSchema,
  settingsSchema,
  stateInstanceResponseSchema,
  waSettingsSchema,
  wireChatIdSchema,
} from "./schemas.ts";

const REAL_SETTINGS = JSON.parse(
  `{"wid":"79001234567@c.us","countryInstance":"","typeAccount":"","webhookUrl":"","webhookUrlToken":"","delaySendMessagesMilliseconds":0,"markIncomingMessagesReaded":"no","markIncomingMessagesReadedOnReply":"no","sharedSession":"no","proxyInstance":"system proxy","outgoingWebhook":"no","outgoingMessageWebhook":"no","outgoingAPIMessageWebhook":"no","incomingWebhook":"yes","deviceWebhook":"no","statusInstanceWebhook":"no","stateWebhook":"no","enableMessagesHistory":"no","keepOnlineStatus":"no","pollMessageWebhook":"no","incomingBlockWebhook":"no","incomingCallWebhook":"no","editedMessageWebhook":"no","deletedMessageWebhook":"no"}`,
);

describe("account responses", () => {
  test("getStateInstance: every state, and the null body of a fresh instance", () => {
    for (const s of ["notAuthorized", "authorized", "blocked", "sleepMode", "starting", "yellowCard", "suspended"]) {
      expect(stateInstanceResponseSchema.parse({ stateInstance: s })).toEqual({ stateInstance: s as never });
    }
    expect(stateInstanceResponseSchema.parse(null)).toBeNull();
    expect(stateInstanceResponseSchema.safeParse({ stateInstance: "online" }).success).toBe(false);
  });

  test("getSettings: the real capture, plus the newer keys", () => {
    const s = settingsSchema.parse(REAL_SETTINGS);
    expect(s.incomingWebhook).toBe("yes");
    expect(
      settingsSchema.parse({ ...REAL_SETTINGS, outgoingCallWebhook: "no", enableLidMode: "yes" }).enableLidMode,
    ).toBe("yes");
    expect(settingsSchema.safeParse({ ...REAL_SETTINGS, incomingWebhook: true }).success).toBe(false);
  });

  test("setSettings, getWaSettings, qr", () => {
    expect(saveSettingsResponseSchema.parse({ saveSettings: true }).saveSettings).toBe(true);
    expect(
      waSettingsSchema.parse({
        avatar: "https://pps.whatsapp.net/x",
        phone: "79001234567",
        stateInstance: "authorized",
        deviceId: "79001234567:8@s.whatsapp.net",
      }).phone,
    ).toBe("79001234567");
    expect(
      waSettingsSchema.parse({ avatar: "", phone: "", stateInstance: "notAuthorized", deviceId: "" }).deviceId,
    ).toBe("");
    for (const type of ["qrCode", "alreadyLogged", "error"])
      expect(qrResponseSchema.parse({ type, message: "x" }).type).toBe(type as never);
    expect(qrResponseSchema.safeParse({ type: "accountData", message: "x" }).success).toBe(false);
  });
});

describe("sending and receiving responses", () => {
  test("send results", () => {
    expect(sendResponseSchema.parse({ idMessage: "3EB0C767D097B7C7C030" }).idMessage).toBe("3EB0C767D097B7C7C030");
    expect(
      sendFileByUploadResponseSchema.parse({
        idMessage: "BAE540B3B4D86B2A",
        urlFile: "https://sw-media-out.storage.yandexcloud.net/1101123456/u.jpg",
      }).urlFile,
    ).toContain("u.jpg");
    expect(sendResponseSchema.safeParse({ idMessage: "" }).success).toBe(false);
  });

  test("receiveNotification: envelope or null; deleteNotification; downloadFile", () => {
    expect(receiveNotificationResponseSchema.parse({ receiptId: 1234567, body: { typeWebhook: "x" } })?.receiptId).toBe(
      1234567,
    );
    expect(receiveNotificationResponseSchema.parse(null)).toBeNull();
    expect(deleteNotificationResponseSchema.parse({ result: false }).result).toBe(false);
    expect(
      downloadFileResponseSchema.parse({ downloadUrl: "https://sw-media.storage.yandexcloud.net/1/u.png" }).downloadUrl,
    ).toContain(".png");
  });
});

describe("journal and service responses", () => {
  test("the reference journal example (incoming, group)", () => {
    const item = journalMessageSchema.parse(
      JSON.parse(
        `{"type":"incoming","idMessage":"9DB1F2C3D4E5F6789","timestamp":1706522263,"typeMessage":"textMessage","chatId":"120363153000000000@g.us","textMessage":"Hi","senderId":"70000000012@c.us","senderName":"Nick","senderContactName":"Nick W"}`,
      ),
    );
    if (item.type !== "incoming") throw new Error("wrong type");
    expect(item.senderName).toBe("Nick");
  });

  test("outgoing items need statusMessage and sendByApi; flattened file fields are kept", () => {
    const list = journalSchema.parse([
      {
        type: "outgoing",
        idMessage: "BAE5F4886F6F2D05",
        timestamp: 1,
        typeMessage: "imageMessage",
        chatId: "79001234567@c.us",
        statusMessage: "read",
        sendByApi: true,
        downloadUrl: "https://x/y.png",
        caption: "c",
        mimeType: "image/png",
      },
      {
        type: "incoming",
        idMessage: "A",
        timestamp: 2,
        typeMessage: "reactionMessage",
        chatId: "79001234567@c.us",
        senderId: "79001234567@c.us",
        senderName: "",
        extendedTextMessageData: { text: "👍" },
        quotedMessage: { stanzaId: "BAE5F4886F6F2D05", participant: "79990000000@c.us" },
      },
    ]);
    expect(list[0]?.downloadUrl).toBe("https://x/y.png");
    expect(
      journalMessageSchema.safeParse({
        type: "outgoing",
        idMessage: "B",
        timestamp: 1,
        typeMessage: "textMessage",
        chatId: "7@c.us",
      }).success,
    ).toBe(false);
  });

  test("getContactInfo, getAvatar", () => {
    const info = contactInfoSchema.parse({
      avatar: "",
      name: "Ann",
      contactName: "",
      email: "",
      category: "",
      description: "",
      products: [],
      chatId: "79001234567:1@c.us",
      lastSeen: null,
      isArchive: false,
      isDisappearing: false,
      isMute: false,
      messageExpiration: 0,
      muteExpiration: null,
      isBusiness: false,
    });
    expect([info.name, info.chatId]).toEqual(["Ann", "79001234567@c.us"]);
    expect(avatarResponseSchema.parse({ urlAvatar: "", available: false }).available).toBe(false);
  });
});

describe("error bodies", () => {
  test("400 body exposes message (and, dangerously, path)", () => {
    const body = JSON.parse(
      `{"statusCode":400,"timestamp":1706522263000,"path":"/waInstance7103000001/sendMessage/0123456789abcdef0123456789abcdef0123456789abcdef01","message":"Validation failed. Details: 'chatId' is required"}`,
    );
    expect(errorBodySchema.parse(body).message).toContain("'chatId' is required");
  });

  test("466 bodies: method quota and correspondents quota", () => {
    const method = quotaBodySchema.parse(
      JSON.parse(
        `{"invokeStatus":{"method":"checkwhatsapp","used":100,"total":100,"status":"QUOTE_EXCEEDED","description":"Monthly quota has been exceeded"}}`,
      ),
    );
    expect(method.invokeStatus.status).toBe("QUOTE_EXCEEDED");
    const chats = quotaBodySchema.parse({
      invokeStatus: { method: "sendmessage", used: 1, total: 1000, status: "QUOTE_ALLOWED" },
      correspondentsStatus: {
        method: "correspondents",
        used: 3,
        total: 3,
        status: "CORRESPONDENTS_QUOTE_EXCEEDED",
        description: "only a@c.us",
      },
    });
    expect(chats.correspondentsStatus?.status).toBe("CORRESPONDENTS_QUOTE_EXCEEDED");
  });
});

describe("ids, hosts and limits", () => {
  test("chat ids we store and send to: canonical @c.us, @g.us (new and legacy), @lid; nothing else", () => {
    for (const id of [
      "79001234567@c.us",
      "120363043968066561@g.us",
      "79001234567-1581234048@g.us",
      "155508384256027@lid",
    ]) {
      expect(chatIdSchema.safeParse(id).success).toBe(true);
    }
    for (const id of [
      "+79001234567@c.us",
      "79001234567",
      "x@c.us",
      "1@s.whatsapp.net",
      "1:2@c.us",
      "status@broadcast",
      "1@newsletter",
      "",
    ]) {
      expect(chatIdSchema.safeParse(id).success).toBe(false);
    }
  });

  test("chat ids as Green-API sends them parse to the canonical form", () => {
    expect(wireChatIdSchema.parse("79001234567:3@s.whatsapp.net")).toBe("79001234567@c.us");
    expect(wireChatIdSchema.parse("status@broadcast")).toBe("status@broadcast");
    expect(wireChatIdSchema.safeParse("+79001234567@c.us").success).toBe(false);
    const item = journalMessageSchema.parse({
      type: "incoming",
      idMessage: "A",
      timestamp: 1,
      typeMessage: "textMessage",
      chatId: "79001234567:3@c.us",
      senderId: "79001234567@s.whatsapp.net",
      senderName: "Ann",
    });
    expect([item.chatId, item.type === "incoming" && item.senderId]).toEqual(["79001234567@c.us", "79001234567@c.us"]);
    expect(
      contactsSchema.parse([{ id: "79001234567@s.whatsapp.net" }, { id: "something else" }]).map((c) => c.id),
    ).toEqual(["79001234567@c.us", "something else"]);
  });

  test("defaultHosts uses the first 4 digits, or the universal hosts for short ids", () => {
    expect(defaultHosts(7103123456)).toEqual({
      apiUrl: "https://7103.api.greenapi.com",
      mediaUrl: "https://7103.media.greenapi.com",
    });
    expect(defaultHosts("1101000001").apiUrl).toBe("https://1101.api.greenapi.com");
    expect(defaultHosts(12)).toEqual({ ...UNIVERSAL_HOSTS });
  });

  test("documented limits, case-insensitive, default for the rest", () => {
    expect(rateLimitFor("getStateInstance")).toBe(1);
    expect(rateLimitFor("GetSettings")).toBe(1);
    expect(rateLimitFor("getChatHistory")).toBe(1);
    expect(rateLimitFor("qr")).toBe(3);
    expect(rateLimitFor("downloadFile")).toBe(5);
    for (const m of ["getMessage", "readChat", "checkWhatsapp", "getAvatar", "deleteMessage"])
      expect(rateLimitFor(m)).toBe(10);
    for (const m of ["sendMessage", "SendFileByUpload", "sendFileByUrl", "sendPoll"]) expect(rateLimitFor(m)).toBe(50);
    expect(rateLimitFor("receiveNotification")).toBe(100);
    expect(rateLimitFor("deleteNotification")).toBe(100);
    expect(rateLimitFor("setProfilePicture")).toBe(0.1);
    expect(rateLimitFor("someFutureMethod")).toBe(DEFAULT_RPS);
  });
});
