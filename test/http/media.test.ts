// Media against the fake Green-API: files announced on Green-API's (unreachable) storage come through downloadFile into
// the store; the gated media route; addresses never fetched; retry; opening a file not fetched yet; file sends.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { chats, messages, notifications } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi, type InjectMessageInput } from "../fakes/green-api/index.ts";
import { qrPng } from "../fakes/green-api/png.ts";
import { waitFor } from "../support/wait.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertFakeInstance } from "../support/fixtures.ts";

const ID = 7103777001;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fe";
const CHAT = "79001234567@c.us";
const PNG = Buffer.from(qrPng("media test"), "base64");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dataDir = mkdtempSync(join(tmpdir(), "gi-media-"));
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let viewer: Agent;
let outsider: Agent;

/** Records every request it gets; any file URL on it must stay untouched. */
const recorder = { hits: [] as string[] };
const recorderServer = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    recorder.hits.push(new URL(req.url).pathname);
    return new Response(PNG, { headers: { "content-type": "image/png" } });
  },
});
const REC = recorderServer.port;

/** Names the app looked up. Green-API's storage hosts are unreachable here (as expired URLs are); two public-looking
 * names lead inside; nothing reaches the real DNS. */
const asked: string[] = [];
async function resolveFileHosts(name: string): Promise<string[]> {
  asked.push(name);
  if (name === "cdn.example.com") return ["10.0.0.1"];
  if (name === "files.example.net") return ["127.0.0.1"];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
}
const downloadFileCalls = () => fake.control.requests(ID).filter((r) => r.method === "downloadFile").length;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { incomingWebhook: "yes", outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
  });
  app = await startTestApp({ DATA_DIR: dataDir, OUTBOX_RECONCILE_SECONDS: "1", POLL_TIMEOUT_SECONDS: "5" }, undefined, {
    resolveFileHosts,
  });
  const { db, users } = app.deps;
  const row = await insertFakeInstance(db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN });
  instanceId = row!.id;
  const v = await users.create({ username: "viewer", password: "password-1" });
  await users.create({ username: "outsider", password: "password-1" });
  await grant(db, v.id, instanceId);
  viewer = new Agent(app.url);
  outsider = new Agent(app.url);
  expect((await viewer.login("viewer", "password-1")).status).toBe(303);
  expect((await outsider.login("outsider", "password-1")).status).toBe(303);
  await app.deps.media.start();
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.outbox.stop();
  await app.deps.media.stop();
  await app.stop();
  await fake.stop();
  recorderServer.stop(true);
  rmSync(dataDir, { recursive: true, force: true });
});

/** A message written to the fake's number; its notification (changed by `edit`) goes through the intake. */
async function receive(input: InjectMessageInput, edit: (fileData: Record<string, unknown>) => void = () => {}) {
  const { idMessage, body } = fake.control.injectIncoming(ID, input);
  const changed = structuredClone(body) as unknown as { messageData: { fileMessageData: Record<string, unknown> } };
  edit(changed.messageData.fileMessageData);
  expect(await app.deps.intake.accept(instanceId, ID, changed, "webhook")).toMatchObject({ ok: true });
  await app.deps.intake.idle();
  await app.deps.media.idle();
  const [row] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
  return row!;
}

const mediaPath = (id: number, suffix = "") => `/instances/${instanceId}/media/${id}${suffix}`;

describe("media downloads", () => {
  test("a photo announced on do-media-7103.fra1.digitaloceanspaces.com comes through downloadFile and is shown in the chat", async () => {
    const calls = downloadFileCalls();
    const m = await receive({
      type: "imageMessage",
      chatId: CHAT,
      base64: PNG.toString("base64"),
      fileName: "photo.png",
      mimeType: "image/png",
      caption: "look",
    });
    expect(m.media!.downloadUrl).toStartWith(`https://do-media-7103.fra1.digitaloceanspaces.com/${ID}/`);
    expect(asked).toContain("do-media-7103.fra1.digitaloceanspaces.com");
    expect(downloadFileCalls()).toBe(calls + 1);
    expect(m.text).toBe("look");
    expect(m.media).toMatchObject({
      kind: "image",
      state: "ready",
      sha256: sha256(PNG),
      size: PNG.length,
      mimeType: "image/png",
    });
    expect(existsSync(join(dataDir, "media", sha256(PNG)))).toBe(true);
    const page = await (await viewer.get(`/instances/${instanceId}/chats/${m.chatId}`)).text();
    expect(page).toContain(`<img src="${mediaPath(m.id)}"`);

    const res = await viewer.get(mediaPath(m.id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toStartWith("private");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);

    const part = await viewer.get(mediaPath(m.id), { range: "bytes=0-9" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-9/${PNG.length}`);
    expect((await part.arrayBuffer()).byteLength).toBe(10);
    expect((await viewer.get(mediaPath(m.id), { "if-none-match": `"${sha256(PNG)}"` })).status).toBe(304);

    expect((await outsider.get(mediaPath(m.id))).status).toBe(404);
    expect((await new Agent(app.url).get(mediaPath(m.id))).status).toBe(303);
  });

  test("documents download under their own name; thumbnails are served from the notification", async () => {
    const thumb = Buffer.from("fake jpeg thumbnail");
    const m = await receive(
      { type: "documentMessage", chatId: CHAT, fileName: "Счёт №1.pdf", content: "%PDF-1.4" },
      (f) => (f.jpegThumbnail = thumb.toString("base64")),
    );
    const res = await viewer.get(mediaPath(m.id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="____ _1.pdf"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20%E2%84%961.pdf`,
    );
    expect(await res.text()).toBe("%PDF-1.4");
    const t = await viewer.get(mediaPath(m.id, "/thumb"));
    expect(t.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await t.arrayBuffer()).equals(thumb)).toBe(true);
    expect((await outsider.get(mediaPath(m.id, "/thumb"))).status).toBe(404);
  });

  test("URLs on private addresses, or on names resolving to them, are never fetched: the file comes through downloadFile", async () => {
    recorder.hits.length = 0;
    const urls = [
      `http://127.0.0.1:${REC}/plain.png`,
      `https://127.0.0.1:${REC}/tls.png`,
      `https://[::ffff:127.0.0.1]:${REC}/mapped.png`,
      `https://files.example.net:${REC}/rebound.png`,
      `https://cdn.example.com/private.png`,
      `https://169.254.169.254/latest/meta-data/`,
    ];
    for (const url of urls) {
      const calls = downloadFileCalls();
      const m = await receive(
        { type: "imageMessage", chatId: CHAT, base64: PNG.toString("base64"), mimeType: "image/png" },
        (f) => (f.downloadUrl = url),
      );
      expect(m.media, url).toMatchObject({ state: "ready", sha256: sha256(PNG) });
      expect(downloadFileCalls(), url).toBe(calls + 1);
    }
    expect(recorder.hits).toEqual([]);
    // Positive control: the recorder does count what reaches it.
    await fetch(`http://127.0.0.1:${REC}/control.png`);
    expect(recorder.hits).toEqual(["/control.png"]);
  });

  test("a file that cannot be had says why, in each reader's language; a wrong content type fails", async () => {
    const html = await receive({
      type: "imageMessage",
      chatId: CHAT,
      mimeType: "text/html",
      content: "<script>alert(1)</script>",
    });
    expect(html.media).toMatchObject({
      state: "failed",
      error: "the server sent a text/html file, which does not match the message",
    });

    // A message Green-API does not know: downloadFile answers 400 "File message encrypted url not found".
    const m = await receive(
      { type: "imageMessage", chatId: CHAT },
      (f) => (f.downloadUrl = "https://cdn.example.com/gone.png"),
    );
    const { idMessage } = m;
    await app.deps.db
      .update(messages)
      .set({ idMessage: `${idMessage}-unknown`, media: { ...m.media!, state: "failed" } })
      .where(eq(messages.id, m.id));
    expect(await app.deps.media.retry(instanceId, m.id)).toBe(true);
    await app.deps.media.idle();
    const [gone] = await app.deps.db.select().from(messages).where(eq(messages.id, m.id));
    expect(gone!.media).toMatchObject({
      state: "failed",
      error: "Green-API has no file for this message",
      reason: { key: "media.error.noFile" },
    });
    const chat = `/instances/${instanceId}/chats/${m.chatId}`;
    expect(await (await viewer.get(chat, { "accept-language": "en" })).text()).toContain(
      "The file could not be downloaded: Green-API has no file for this message",
    );
    expect(await (await viewer.get(chat, { "accept-language": "ru" })).text()).toContain(
      "Не удалось загрузить файл: у Green-API нет файла для этого сообщения",
    );
  });

  test("a failed download can be retried (POST, CSRF-protected, gated) and then succeeds through downloadFile", async () => {
    // No URL in the notification: downloadFile is asked, and refused while the phone is not linked.
    const { idMessage, body } = fake.control.injectIncoming(ID, {
      type: "imageMessage",
      chatId: CHAT,
      base64: PNG.toString("base64"),
      fileName: "later.png",
      mimeType: "image/png",
    });
    fake.control.setState(ID, "notAuthorized");
    const changed = structuredClone(body) as unknown as { messageData: { fileMessageData: Record<string, unknown> } };
    changed.messageData.fileMessageData.downloadUrl = "";
    await app.deps.intake.accept(instanceId, ID, changed, "webhook");
    await app.deps.intake.idle();
    await app.deps.media.idle();
    const [failed] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
    expect(failed!.media).toMatchObject({
      state: "failed",
      error: "Green-API refused the download: instance is starting or not authorized",
    });
    fake.control.setState(ID, "authorized");

    expect((await outsider.post(mediaPath(failed!.id, "/retry"))).status).toBe(404);
    expect((await viewer.post(mediaPath(failed!.id, "/retry"), {}, { csrf: false })).status).toBe(403);
    const calls = downloadFileCalls();
    const res = await viewer.post(mediaPath(failed!.id, "/retry"), {}, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(204);
    await app.deps.media.idle();
    const [ready] = await app.deps.db.select().from(messages).where(eq(messages.id, failed!.id));
    expect(ready!.media).toMatchObject({ state: "ready", sha256: sha256(PNG) });
    expect(ready!.media!.error).toBeUndefined();
    expect(downloadFileCalls()).toBe(calls + 1);
    expect((await viewer.post(mediaPath(failed!.id, "/retry"))).status).toBe(404);
  });

  test("Try again after the notification's URL failed goes straight to downloadFile", async () => {
    const { idMessage, body } = fake.control.injectIncoming(ID, {
      type: "imageMessage",
      chatId: CHAT,
      base64: PNG.toString("base64"),
      mimeType: "image/png",
    });
    fake.control.setState(ID, "notAuthorized");
    await app.deps.intake.accept(instanceId, ID, structuredClone(body), "webhook");
    await app.deps.intake.idle();
    await app.deps.media.idle();
    const [failed] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
    expect(failed!.media).toMatchObject({ state: "failed", reason: { key: "media.error.greenApi" } });
    fake.control.setState(ID, "authorized");

    asked.length = 0;
    const calls = downloadFileCalls();
    expect((await viewer.post(mediaPath(failed!.id, "/retry"), {}, { headers: { "hx-request": "true" } })).status).toBe(
      204,
    );
    await app.deps.media.idle();
    const [ready] = await app.deps.db.select().from(messages).where(eq(messages.id, failed!.id));
    expect(ready!.media).toMatchObject({ state: "ready", sha256: sha256(PNG) });
    expect(downloadFileCalls()).toBe(calls + 1);
    // The dead storage URL was not tried again.
    expect(asked).toEqual([]);
  });

  test("opening a file that was never fetched fetches it first, through downloadFile", async () => {
    // A message stored with its file pending, in no download queue (as imported history may be).
    const { idMessage } = fake.control.injectIncoming(ID, {
      type: "imageMessage",
      chatId: CHAT,
      base64: PNG.toString("base64"),
      mimeType: "image/png",
    });
    const [anyInChat] = await app.deps.db
      .select({ chatId: messages.chatId })
      .from(messages)
      .where(eq(messages.instanceId, instanceId))
      .limit(1);
    const [row] = await app.deps.db
      .insert(messages)
      .values({
        instanceId,
        chatId: anyInChat!.chatId,
        idMessage,
        direction: "in",
        via: "whatsapp",
        type: "imageMessage",
        media: { kind: "image", state: "pending", downloadUrl: "" },
      })
      .returning();
    const calls = downloadFileCalls();
    expect((await viewer.get(mediaPath(row!.id))).status).toBe(404);
    await waitFor(async () => {
      const [now] = await app.deps.db.select().from(messages).where(eq(messages.id, row!.id));
      return now!.media!.state === "ready";
    }, 10_000);
    expect(downloadFileCalls()).toBe(calls + 1);
    const res = await viewer.get(mediaPath(row!.id));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test("a chat known by its @lid and @c.us ids asks downloadFile by the other id when the first has no such message", async () => {
    const { idMessage } = fake.control.injectIncoming(ID, {
      type: "imageMessage",
      chatId: CHAT,
      base64: PNG.toString("base64"),
      mimeType: "image/png",
    });
    const [chat] = await app.deps.db
      .insert(chats)
      .values({ instanceId, waChatId: "155508384256027@lid", altWaChatId: CHAT, name: "Anna" })
      .returning();
    const [row] = await app.deps.db
      .insert(messages)
      .values({
        instanceId,
        chatId: chat!.id,
        idMessage,
        direction: "in",
        via: "whatsapp",
        type: "imageMessage",
        media: { kind: "image", state: "failed" },
      })
      .returning();
    const calls = downloadFileCalls();
    expect(await app.deps.media.retry(instanceId, row!.id)).toBe(true);
    await app.deps.media.idle();
    const [ready] = await app.deps.db.select().from(messages).where(eq(messages.id, row!.id));
    expect(ready!.media).toMatchObject({ state: "ready", sha256: sha256(PNG) });
    expect(downloadFileCalls()).toBe(calls + 2);
  });
});

describe("file sends", () => {
  test("a stored file goes out once by sendFileByUpload, and its webhook echo does not make a twin", async () => {
    const stored = await app.deps.media.store.store(PNG, { fileName: "our.png", mimeType: "image/png" });
    expect(stored).toEqual({ sha256: sha256(PNG), size: PNG.length });
    const file = { ...stored, fileName: "our.png", mimeType: "image/png" };
    const sent = await app.deps.outbox.enqueue({
      instanceId,
      waChatId: CHAT,
      file,
      caption: "from us",
      idempotencyKey: "file-1",
      via: "web",
    });
    expect(
      await app.deps.outbox.enqueue({ instanceId, waChatId: CHAT, file, idempotencyKey: "file-1", via: "web" }),
    ).toEqual({ ...sent, created: false });
    expect(await app.deps.outbox.idle(10_000)).toBe(true);
    const uploads = fake.control.sentMessages(ID).filter((s) => s.method === "sendFileByUpload");
    expect(uploads.map((s) => [s.chatId, s.fileName])).toEqual([[CHAT, "our.png"]]);
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.id, sent.id));
    expect(row).toMatchObject({
      type: "imageMessage",
      text: "from us",
      idMessage: uploads[0]!.idMessage,
      media: { kind: "image", state: "ready", sha256: sha256(PNG) },
    });

    // Statuses and the outgoingAPIMessageReceived echo arrive by polling.
    app.deps.poller.start((await app.deps.instances.getRow(instanceId))!);
    const echoed = await waitFor(async () => {
      await app.deps.intake.idle();
      const rows = await app.deps.db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.typeWebhook, "outgoingAPIMessageReceived")));
      return rows.length > 0;
    }, 10_000);
    expect(echoed).toBe(true);
    await app.deps.intake.idle();
    const same = await app.deps.db.select().from(messages).where(eq(messages.idMessage, uploads[0]!.idMessage));
    expect(same.map((m) => m.id)).toEqual([sent.id]);
    expect(same[0]!.raw).toMatchObject({
      typeWebhook: "outgoingAPIMessageReceived",
      messageData: { typeMessage: "imageMessage" },
    });
    const served = await viewer.get(mediaPath(sent.id));
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test("a caption over Green-API's limit fails next to the message instead of being sent", async () => {
    const stored = await app.deps.media.store.store(new Blob(["%PDF"]), {
      fileName: "a.pdf",
      mimeType: "application/pdf",
    });
    const file = { ...stored, fileName: "a.pdf", mimeType: "application/pdf" };
    const { id } = await app.deps.outbox.enqueue({
      instanceId,
      waChatId: CHAT,
      file,
      caption: "x".repeat(1025),
      idempotencyKey: "file-2",
      via: "web",
    });
    await app.deps.outbox.idle();
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({
      type: "documentMessage",
      status: "failed",
      failReason: "captionTooLong",
    });
  });
});
