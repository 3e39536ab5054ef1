// Contract: every client method against the fake; the client validates each answer with its zod schemas.
import { afterAll, describe, expect, test } from "bun:test";
import { type GreenApiError, isMessageNotification, type GreenApiClient } from "../../../src/greenapi/index.ts";
import { ALL_WEBHOOKS, newInstance, startFastFake } from "./testkit.ts";
import { waitFor } from "../../support/wait.ts";
import { storageHost } from "./media.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());

const CHAT = "79001234567@c.us";
const covered = new Set<string>();

/** Records which client methods the tests call. */
function tracked(client: GreenApiClient): GreenApiClient {
  return new Proxy(client, {
    get(target, key: string) {
      covered.add(key);
      return target[key as keyof GreenApiClient];
    },
  });
}

function instance(opts: Parameters<typeof newInstance>[1] = {}) {
  const i = newInstance(fake, opts);
  return { ...i, api: tracked(i.client) };
}

describe("account", () => {
  test("link by QR: notAuthorized → qrCode PNG / phone code → scan → authorized, alreadyLogged", async () => {
    const { api, idInstance } = instance({ state: "notAuthorized" });
    expect(await api.getStateInstance()).toEqual({ stateInstance: "notAuthorized" });
    expect(await api.getWaSettings()).toEqual({ avatar: "", phone: "", stateInstance: "notAuthorized", deviceId: "" });
    const qr = await api.qr();
    expect(qr.type).toBe("qrCode");
    expect(Buffer.from(qr.message, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect((await api.getAuthorizationCode(79001234567)).status).toBe(true);
    fake.control.scanQr(idInstance);
    expect(await api.getStateInstance()).toEqual({ stateInstance: "authorized" });
    expect((await api.qr()).type).toBe("alreadyLogged");
    const wa = await api.getWaSettings();
    expect(wa.phone).toMatch(/^\d{11}$/);
    expect(wa.deviceId).toBe(`${wa.phone}:8@s.whatsapp.net`);
    expect((await api.getSettings()).wid).toBe(`${wa.phone}@c.us`);
  });

  test("QR codes rotate on the configured period", async () => {
    const quick = startFastFake({ rateLimits: false, timings: { qrRotateMs: 150 } });
    const { client } = newInstance(quick, { state: "notAuthorized" });
    const a = await client.qr();
    const b = await client.qr();
    await Bun.sleep(160);
    const c = await client.qr();
    expect(a.message).toBe(b.message);
    expect(c.message).not.toBe(a.message);
    await quick.stop();
  });

  test("setSettings answers at once, reboots through `starting`, and applies later", async () => {
    const { api } = instance();
    const before = await api.getSettings();
    expect(before.incomingWebhook).toBe("no");
    expect(before.outgoingAPIMessageWebhook).toBe("no");
    expect(await api.setSettings({ incomingWebhook: "yes", delaySendMessagesMilliseconds: 500 })).toEqual({
      saveSettings: true,
    });
    expect(await api.getStateInstance()).toEqual({ stateInstance: "starting" });
    expect((await api.getSettings()).incomingWebhook).toBe("no");
    await waitFor(async () => (await api.getStateInstance())?.stateInstance === "authorized", 2000);
    const after = await api.getSettings();
    expect(after.incomingWebhook).toBe("yes");
    expect(after.delaySendMessagesMilliseconds).toBe(500);
  });

  test("setSettings validation: delay below 500 ms and unknown keys are 400s with Green-API messages", async () => {
    const { api } = instance();
    const err = await api.setSettings({ delaySendMessagesMilliseconds: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "badRequest", status: 400 });
    expect((err as GreenApiError).reason).toContain("greater than or equal to 500");
    expect(await api.setSettings({ bogus: "yes" } as never).catch((e: GreenApiError) => e.kind)).toBe("badRequest");
  });

  test("reboot goes through starting and back; logout unlinks", async () => {
    const { api } = instance();
    expect(await api.reboot()).toEqual({ isReboot: true });
    expect((await api.getStateInstance())?.stateInstance).toBe("starting");
    await waitFor(async () => (await api.getStateInstance())?.stateInstance === "authorized", 2000);
    expect(await api.logout()).toEqual({ isLogout: true });
    expect((await api.getStateInstance())?.stateInstance).toBe("notAuthorized");
    expect((await api.getSettings()).wid).toBe("");
  });

  test("setProfilePicture stores the picture and getWaSettings shows it", async () => {
    const { api } = instance();
    const res = await api.setProfilePicture(new Blob([new Uint8Array([0xff, 0xd8, 1, 2])], { type: "image/jpeg" }));
    expect(res.setProfilePicture).toBe(true);
    expect((await api.getWaSettings()).avatar).toBe(res.urlAvatar!);
    expect(new Uint8Array(await (await fetch(res.urlAvatar!)).arrayBuffer())).toEqual(
      new Uint8Array([0xff, 0xd8, 1, 2]),
    );
  });
});

describe("sending and journals", () => {
  test("sendMessage → BAE5 id, paced delivery, journal newest first, getMessage, lastOutgoingMessages", async () => {
    const { api, idInstance } = instance();
    const first = await api.sendMessage({ chatId: CHAT, message: "one" });
    const second = await api.sendMessage({ chatId: CHAT, message: "two", quotedMessageId: first.idMessage });
    expect(first.idMessage).toMatch(/^BAE5[0-9A-F]{12}$/);
    await waitFor(async () => (await api.getChatHistory({ chatId: CHAT })).length === 2, 2000);
    const history = await api.getChatHistory({ chatId: CHAT, count: 10 });
    expect(history.map((m) => m.idMessage)).toEqual([second.idMessage, first.idMessage]);
    expect(history[0]).toMatchObject({
      type: "outgoing",
      sendByApi: true,
      typeMessage: "quotedMessage",
      quotedMessage: { stanzaId: first.idMessage, textMessage: "one" },
    });
    await waitFor(
      async () => (await api.getMessage({ chatId: CHAT, idMessage: first.idMessage })).statusMessage === "read",
      2000,
    );
    expect((await api.lastOutgoingMessages(5)).map((m) => m.idMessage)).toContain(first.idMessage);
    expect(fake.control.sentMessages(idInstance).map((s) => s.text)).toEqual(["one", "two"]);
  });

  test("editMessage changes an API-sent message; sendReaction answers an id; deleteMessage answers an empty 200; unknown ids are the documented 400", async () => {
    const { api, idInstance } = instance();
    const { idMessage } = await api.sendMessage({ chatId: CHAT, message: "draft" });
    await waitFor(
      async () => (await api.getChatHistory({ chatId: CHAT })).some((m) => m.idMessage === idMessage),
      2000,
    );
    expect(await api.editMessage({ chatId: CHAT, idMessage, message: "final" })).toEqual({ idMessage });
    expect((await api.getMessage({ chatId: CHAT, idMessage })).textMessage).toBe("final");
    expect((await api.sendReaction({ chatId: CHAT, idMessage, reaction: "👍" })).idMessage).toMatch(/^BAE5/);
    expect(await api.deleteMessage({ chatId: CHAT, idMessage })).toEqual({});
    const err = await api.deleteMessage({ chatId: CHAT, idMessage: "BAE5FFFFFFFFFFFF" }).catch((e: GreenApiError) => e);
    expect(err).toMatchObject({ kind: "badRequest", reason: "Message by id not found" });
    expect(fake.control.messageChanges(idInstance).map((c) => [c.method, c.applied])).toEqual([
      ["editMessage", true],
      ["sendReaction", true],
      ["deleteMessage", true],
    ]);
  });

  test("the fake paces queued sends by delaySendMessagesMilliseconds", async () => {
    const { api, idInstance } = instance({ settings: { delaySendMessagesMilliseconds: 80 } });
    const started = Date.now();
    for (const message of ["a", "b", "c"]) await api.sendMessage({ chatId: CHAT, message });
    expect(fake.control.inspect(idInstance).queuedSends).toBeGreaterThanOrEqual(2);
    await waitFor(() => fake.control.inspect(idInstance).queuedSends === 0, 2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test("sendMessage validation messages: missing chatId, bad chatId, too long", async () => {
    const { api } = instance();
    const reason = (input: object) =>
      api.sendMessage(input as never).then(
        () => "",
        (e: GreenApiError) => e.reason,
      );
    expect(await reason({ message: "x" })).toBe("Validation failed. Details: 'chatId' is required");
    expect(await reason({ chatId: "+7900", message: "x" })).toContain("must be one of the next formats");
    expect(await reason({ chatId: CHAT, message: "x".repeat(20_001) })).toContain("20000");
  });

  test("sendFileByUpload goes to the media host and its urlFile serves the bytes; sendFileByUrl reuses it", async () => {
    const { api, idInstance } = instance();
    const up = await api.sendFileByUpload({
      chatId: CHAT,
      file: new Blob(["%PDF-1.4 fake"], { type: "application/pdf" }),
      fileName: "invoice.pdf",
      caption: "Invoice",
    });
    expect(await (await fetch(up.urlFile)).text()).toBe("%PDF-1.4 fake");
    const byUrl = await api.sendFileByUrl({ chatId: CHAT, urlFile: up.urlFile, fileName: "copy.jpg" });
    expect(fake.control.requests(idInstance).filter((r) => r.method.startsWith("sendFile"))).toEqual([
      { host: "media", method: "sendFileByUpload", status: 200 },
      { host: "api", method: "sendFileByUrl", status: 200 },
    ]);
    await waitFor(async () => (await api.getChatHistory({ chatId: CHAT })).length === 2, 2000);
    const [img, doc] = await api.getChatHistory({ chatId: CHAT });
    expect(img).toMatchObject({ idMessage: byUrl.idMessage, typeMessage: "imageMessage", downloadUrl: up.urlFile });
    expect(doc).toMatchObject({
      idMessage: up.idMessage,
      typeMessage: "documentMessage",
      fileName: "invoice.pdf",
      caption: "Invoice",
    });
    expect((await api.downloadFile({ chatId: CHAT, idMessage: up.idMessage })).downloadUrl).toBe(up.urlFile);
    expect(fake.control.sentMessages(idInstance).map((s) => s.method)).toEqual(["sendFileByUpload", "sendFileByUrl"]);
  });
});

describe("receiving, contacts", () => {
  test("incoming message: receive → parse → delete; journal; contact info; avatar; readChat; downloadFile", async () => {
    const { api, idInstance } = instance({ settings: ALL_WEBHOOKS });
    const { idMessage } = fake.control.injectIncoming(idInstance, {
      type: "imageMessage",
      chatId: CHAT,
      senderName: "Ann",
      caption: "cat",
      content: "jpeg-bytes",
    });
    const got = await api.receiveNotification(5);
    expect(got).not.toBeNull();
    if (!got?.parsed.ok || !isMessageNotification(got.parsed.event)) throw new Error("expected a message");
    const event = got.parsed.event;
    expect(event.typeWebhook).toBe("incomingMessageReceived");
    expect(event.idMessage).toBe(idMessage);
    if (event.messageData.typeMessage !== "imageMessage") throw new Error("expected an image");
    // Announced on Green-API's storage (unreachable here, as an expired URL is): only downloadFile leads to the bytes.
    expect(event.messageData.fileMessageData.downloadUrl).toMatch(
      new RegExp(`^https://${storageHost(idInstance).replaceAll(".", "\\.")}/${idInstance}/[0-9a-f-]{36}\\.jpg$`),
    );
    expect(await api.deleteNotification(got.receiptId)).toEqual({ result: true });
    expect(await api.deleteNotification(got.receiptId)).toEqual({ result: false });

    expect((await api.lastIncomingMessages()).map((m) => m.idMessage)).toEqual([idMessage]);
    const { downloadUrl } = await api.downloadFile({ chatId: CHAT, idMessage });
    expect(downloadUrl.startsWith(`${fake.mediaUrl}/files/`)).toBe(true);
    expect(await (await fetch(downloadUrl)).text()).toBe("jpeg-bytes");
    // On demand, the notification names the fake's own URL instead.
    const served = fake.control.injectIncoming(idInstance, {
      type: "documentMessage",
      chatId: CHAT,
      content: "%PDF",
      fileUrl: "served",
    });
    const announced = (served.body.messageData as { fileMessageData: { downloadUrl: string } }).fileMessageData
      .downloadUrl;
    expect(await (await fetch(announced)).text()).toBe("%PDF");
    expect((await api.getContactInfo(CHAT)).name).toBe("Ann");
    expect(await api.getContacts()).toEqual([{ id: CHAT, name: "Ann", contactName: "", type: "user" }]);
    expect(await api.getAvatar(CHAT)).toEqual({ urlAvatar: "", available: true });
    expect(await api.readChat({ chatId: CHAT })).toEqual({ setRead: true });
    expect(fake.control.inspect(idInstance).readChats).toEqual([CHAT]);
  });

  test("downloadFile of a text message is the documented 400", async () => {
    const { api, idInstance } = instance({ settings: ALL_WEBHOOKS });
    const { idMessage } = fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "hi" });
    const err = await api.downloadFile({ chatId: CHAT, idMessage }).catch((e: GreenApiError) => e);
    expect(err).toMatchObject({
      kind: "badRequest",
      reason: `File message encrypted url not found by chatId ${CHAT} and idMessage ${idMessage}`,
    });
  });

  test("journal and contact methods need a running, linked phone", async () => {
    const { api } = instance({ state: "notAuthorized" });
    const err = await api.getChatHistory({ chatId: CHAT }).catch((e: GreenApiError) => e);
    expect(err).toMatchObject({ kind: "badRequest", reason: "instance is starting or not authorized" });
  });
});

describe("lookups", () => {
  test("checkWhatsapp names the number, or its @lid in LID mode; getGroupData answers a group's subject", async () => {
    const { api, idInstance } = instance();
    const lid = "155508384256027@lid";
    expect(await api.checkWhatsapp(CHAT)).toMatchObject({ existsWhatsapp: true, chatId: CHAT, phoneNumber: CHAT });
    fake.control.setLid(idInstance, CHAT, lid);
    fake.control.setSettings(idInstance, { enableLidMode: "yes" });
    expect(await api.checkWhatsapp(CHAT)).toMatchObject({ existsWhatsapp: true, chatId: lid, phoneNumber: CHAT });
    fake.control.setNoAccount(idInstance, "79009999999@c.us");
    expect(await api.checkWhatsapp("79009999999@c.us")).toMatchObject({ existsWhatsapp: false, chatId: "" });
    const { groupId } = fake.control.createGroup(idInstance, { subject: "Team 🛠", participants: [CHAT] });
    const group = await api.getGroupData(groupId);
    expect(group).toMatchObject({ groupId, subject: "Team 🛠", owner: expect.stringMatching(/^\d+@c\.us$/) });
    expect(group.participants!.map((p) => p.id)).toContain(CHAT);
    expect(await api.getGroupData("120363000000000001@g.us").catch((e: GreenApiError) => e)).toMatchObject({
      kind: "badRequest",
      reason: "Group not found",
    });
    // A group message names its group by the subject.
    const { body } = fake.control.injectIncoming(idInstance, {
      type: "textMessage",
      chatId: groupId,
      sender: CHAT,
      text: "hi",
    });
    expect(body.senderData).toMatchObject({ chatId: groupId, chatName: "Team 🛠", sender: CHAT });
  });
});

describe("coverage", () => {
  test("every client method was exercised against the fake", () => {
    const { client } = newInstance(fake);
    expect([...covered].filter((k) => k in client).sort()).toEqual(Object.keys(client).sort());
  });
});
