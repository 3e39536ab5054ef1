// Media against the fake Green-API: downloads into the store, the gated media route, refusals, retry, file sends.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { instances, messages, notifications } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi, type InjectMessageInput } from "../fakes/green-api/index.ts";
import { qrPng } from "../fakes/green-api/png.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant } from "../support/fixtures.ts";

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

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({
    idInstance: ID, apiTokenInstance: TOKEN, state: "authorized",
    settings: { incomingWebhook: "yes", outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
  });
  app = await startTestApp({ DATA_DIR: dataDir, OUTBOX_RECONCILE_SECONDS: "1", POLL_TIMEOUT_SECONDS: "5" });
  const { db, users } = app.deps;
  const [row] = await db
    .insert(instances)
    .values({ name: "Sales", idInstance: ID, apiToken: TOKEN, apiUrl: fake.url, mediaUrl: fake.mediaUrl, webhookToken: "x".repeat(24), intakeMode: "polling", state: "authorized" })
    .returning();
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
  test("an image is downloaded into the store and served to users who may see the instance", async () => {
    const m = await receive({ type: "imageMessage", chatId: CHAT, base64: PNG.toString("base64"), fileName: "photo.png", mimeType: "image/png", caption: "look" });
    expect(m.text).toBe("look");
    expect(m.media).toMatchObject({ kind: "image", state: "ready", sha256: sha256(PNG), size: PNG.length, mimeType: "image/png" });
    expect(existsSync(join(dataDir, "media", sha256(PNG)))).toBe(true);

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
    const m = await receive({ type: "documentMessage", chatId: CHAT, fileName: "Счёт №1.pdf", content: "%PDF-1.4" }, (f) => (f.jpegThumbnail = thumb.toString("base64")));
    const res = await viewer.get(mediaPath(m.id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="____ _1.pdf"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%20%E2%84%961.pdf`);
    expect(await res.text()).toBe("%PDF-1.4");
    const t = await viewer.get(mediaPath(m.id, "/thumb"));
    expect(t.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await t.arrayBuffer()).equals(thumb)).toBe(true);
    expect((await outsider.get(mediaPath(m.id, "/thumb"))).status).toBe(404);
  });

  test("URLs outside Green-API for this instance are refused, and wrong content types fail", async () => {
    for (const url of ["https://evil.example.com/a.png", "http://127.0.0.1:1/files/x/a.png", "https://sw-media.storage.yandexcloud.net.evil.example/a.png"]) {
      const m = await receive({ type: "imageMessage", chatId: CHAT }, (f) => (f.downloadUrl = url));
      expect(m.media, url).toMatchObject({ state: "failed", error: "not a Green-API media URL" });
      expect((await viewer.get(mediaPath(m.id))).status).toBe(404);
    }
    const html = await receive({ type: "imageMessage", chatId: CHAT, mimeType: "text/html", content: "<script>alert(1)</script>" });
    expect(html.media).toMatchObject({ state: "failed", error: "the server sent a text/html file, which does not match the message" });
  });

  test("a failed download can be retried (POST, CSRF-protected, gated) and then succeeds", async () => {
    // No URL in the notification: downloadFile is asked, and refused while the phone is not linked.
    const { idMessage, body } = fake.control.injectIncoming(ID, { type: "imageMessage", chatId: CHAT, base64: PNG.toString("base64"), fileName: "later.png", mimeType: "image/png" });
    fake.control.setState(ID, "notAuthorized");
    const changed = structuredClone(body) as unknown as { messageData: { fileMessageData: Record<string, unknown> } };
    changed.messageData.fileMessageData.downloadUrl = "";
    await app.deps.intake.accept(instanceId, ID, changed, "webhook");
    await app.deps.intake.idle();
    await app.deps.media.idle();
    const [failed] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
    expect(failed!.media).toMatchObject({ state: "failed", error: "Green-API refused the download: instance is starting or not authorized" });
    fake.control.setState(ID, "authorized");

    expect((await outsider.post(mediaPath(failed!.id, "/retry"))).status).toBe(404);
    expect((await viewer.post(mediaPath(failed!.id, "/retry"), {}, { csrf: false })).status).toBe(403);
    const res = await viewer.post(mediaPath(failed!.id, "/retry"), {}, { headers: { "hx-request": "true" } });
    expect(res.status).toBe(204);
    await app.deps.media.idle();
    const [ready] = await app.deps.db.select().from(messages).where(eq(messages.id, failed!.id));
    expect(ready!.media).toMatchObject({ state: "ready", sha256: sha256(PNG) });
    expect(ready!.media!.error).toBeUndefined();
    expect((await viewer.post(mediaPath(failed!.id, "/retry"))).status).toBe(404);
  });
});

describe("file sends", () => {
  test("a stored file goes out once by sendFileByUpload, and its webhook echo does not make a twin", async () => {
    const stored = await app.deps.media.store.store(PNG, { fileName: "our.png", mimeType: "image/png" });
    expect(stored).toEqual({ sha256: sha256(PNG), size: PNG.length });
    const file = { ...stored, fileName: "our.png", mimeType: "image/png" };
    const sent = await app.deps.outbox.enqueue({ instanceId, waChatId: CHAT, file, caption: "from us", idempotencyKey: "file-1", via: "web" });
    expect(await app.deps.outbox.enqueue({ instanceId, waChatId: CHAT, file, idempotencyKey: "file-1", via: "web" })).toEqual({ ...sent, created: false });
    expect(await app.deps.outbox.idle(10_000)).toBe(true);
    const uploads = fake.control.sentMessages(ID).filter((s) => s.method === "sendFileByUpload");
    expect(uploads.map((s) => [s.chatId, s.fileName])).toEqual([[CHAT, "our.png"]]);
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.id, sent.id));
    expect(row).toMatchObject({ type: "imageMessage", text: "from us", idMessage: uploads[0]!.idMessage, media: { kind: "image", state: "ready", sha256: sha256(PNG) } });

    // Statuses and the outgoingAPIMessageReceived echo arrive by polling.
    app.deps.poller.start((await app.deps.instances.getRow(instanceId))!);
    const deadline = Date.now() + 10_000;
    let echoed = false;
    while (Date.now() < deadline && !echoed) {
      await app.deps.intake.idle();
      const rows = await app.deps.db.select({ id: notifications.id }).from(notifications)
        .where(and(eq(notifications.typeWebhook, "outgoingAPIMessageReceived")));
      echoed = rows.length > 0;
      await Bun.sleep(50);
    }
    expect(echoed).toBe(true);
    await app.deps.intake.idle();
    const same = await app.deps.db.select().from(messages).where(eq(messages.idMessage, uploads[0]!.idMessage));
    expect(same.map((m) => m.id)).toEqual([sent.id]);
    expect(same[0]!.raw).toMatchObject({ typeWebhook: "outgoingAPIMessageReceived", messageData: { typeMessage: "imageMessage" } });
    const served = await viewer.get(mediaPath(sent.id));
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test("a caption over Green-API's limit fails next to the message instead of being sent", async () => {
    const stored = await app.deps.media.store.store(new Blob(["%PDF"]), { fileName: "a.pdf", mimeType: "application/pdf" });
    const file = { ...stored, fileName: "a.pdf", mimeType: "application/pdf" };
    const { id } = await app.deps.outbox.enqueue({ instanceId, waChatId: CHAT, file, caption: "x".repeat(1025), idempotencyKey: "file-2", via: "web" });
    await app.deps.outbox.idle();
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ type: "documentMessage", status: "failed", failReason: "a caption can have at most 1024 characters" });
  });
});
