// Media routes under attack: path traversal in every spelling, and SSRF through downloadUrl in incoming notifications
// (delivered over the real webhook route) and in downloadFile answers, proven against local servers that record every hit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { instances, messages } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant } from "../support/fixtures.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const OUTSIDE_SECRET = "TOP-SECRET-OUTSIDE-MEDIA";
const dataDir = mkdtempSync(join(tmpdir(), "gi-sec-media-"));
let app: TestApp;
let viewer: Agent;

/** Records every request; answers with a PNG. Listens on every interface (IPv4 and IPv6), so any spelling of loopback reaches it. */
const recorder = { hits: [] as string[] };
const recorderServer = Bun.serve({
  port: 0,
  hostname: "::",
  fetch(req) {
    recorder.hits.push(new URL(req.url).pathname);
    return new Response(PNG, { headers: { "content-type": "image/png" } });
  },
});
const REC = recorderServer.port;

/**
 * The instance's own Green-API host: serves /ok.png, redirects /away to the recorder, and answers downloadFile with a
 * fresh URL of its own (/fresh/<idMessage>.png), or, for messages whose id starts with EVIL, with the recorder's.
 */
const own = { hits: [] as string[] };
const ownServer = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (path.includes("/downloadFile/")) {
      const { idMessage } = (await req.json()) as { idMessage: string };
      own.hits.push("downloadFile");
      const downloadUrl: string = idMessage.startsWith("EVIL")
        ? `http://127.0.0.1:${REC}/from-downloadFile.png`
        : `${OWN}/fresh/${idMessage}.png`;
      return Response.json({ downloadUrl });
    }
    own.hits.push(path.startsWith("/fresh/") ? "/fresh" : path);
    if (path === "/away")
      return new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${REC}/redirected.png` } });
    if (path === "/away-relative")
      return new Response(null, { status: 302, headers: { location: `//localhost:${REC}/relative.png` } });
    if (path === "/away-name")
      return new Response(null, {
        status: 302,
        headers: { location: `https://rebind.example.com:${REC}/rebound.png` },
      });
    return new Response(PNG, { headers: { "content-type": "image/png" } });
  },
});
const OWN = `http://127.0.0.1:${ownServer.port}`;

/** Public-looking names that resolve inside: to loopback (where the recorder listens) and to the metadata address. */
async function resolveFileHosts(name: string): Promise<string[]> {
  if (name === "rebind.example.com") return ["127.0.0.1"];
  if (name === "dual.example.com") return ["8.8.8.8", "::1"];
  if (name === "meta.example.com") return ["169.254.169.254"];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
}

let instanceId: number;
let idInstance: number;
let webhookToken: string;
let trusting: { id: number; idInstance: number };

beforeAll(async () => {
  await resetDatabase();
  writeFileSync(join(dataDir, "secret.txt"), OUTSIDE_SECRET);
  app = await startTestApp({ DATA_DIR: dataDir }, undefined, { resolveFileHosts });
  const { db, users } = app.deps;
  webhookToken = "t".repeat(32);
  const [row] = await db
    .insert(instances)
    .values({
      name: "Media",
      idInstance: 7103555001,
      apiToken: "a".repeat(50),
      apiUrl: OWN,
      mediaUrl: OWN,
      webhookToken,
      intakeMode: "webhook",
      state: "authorized",
    })
    .returning();
  instanceId = row!.id;
  idInstance = row!.idInstance;
  // Positive control: an instance whose media host *is* the recorder, so the recorder demonstrably sees fetches.
  const [other] = await db
    .insert(instances)
    .values({
      name: "Control",
      idInstance: 7103555002,
      apiToken: "b".repeat(50),
      apiUrl: `http://127.0.0.1:${REC}`,
      mediaUrl: `http://127.0.0.1:${REC}`,
      webhookToken,
      intakeMode: "webhook",
      state: "authorized",
    })
    .returning();
  trusting = { id: other!.id, idInstance: other!.idInstance };
  const v = await users.create({ username: "viewer", password: "password-1" });
  await grant(db, v.id, instanceId);
  viewer = new Agent(app.url);
  expect((await viewer.login("viewer", "password-1")).status).toBe(303);
  await app.deps.media.start();
}, 30_000);

afterAll(async () => {
  await app.deps.media.stop();
  await app.stop();
  recorderServer.stop(true);
  ownServer.stop(true);
  rmSync(dataDir, { recursive: true, force: true });
});

/** An incoming image whose notification names `downloadUrl`, posted to the webhook route; returns the stored message. */
async function incomingImage(downloadUrl: string, to = { id: instanceId, idInstance }, prefix = "") {
  const idMessage = prefix + crypto.randomUUID().replaceAll("-", "").toUpperCase();
  const body = {
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance: to.idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage,
    senderData: { chatId: "79001234567@c.us", chatName: "Cust", sender: "79001234567@c.us", senderName: "Cust" },
    messageData: {
      typeMessage: "imageMessage",
      fileMessageData: { downloadUrl, caption: "", fileName: "a.png", jpegThumbnail: "", mimeType: "image/png" },
    },
  };
  const res = await fetch(`${app.url}/webhooks/green-api/${to.id}`, {
    method: "POST",
    headers: { authorization: `Bearer ${webhookToken}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  await app.deps.intake.idle();
  await app.deps.media.idle();
  const [row] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
  return row!;
}

describe("SSRF: file URLs must lead to public addresses (or the instance's own host)", () => {
  test("the recorder sees a fetch when it is the instance's own host (positive control)", async () => {
    const before = recorder.hits.length;
    const m = await incomingImage(`http://127.0.0.1:${REC}/control.png`, trusting);
    expect(m.media).toMatchObject({ state: "ready" });
    expect(recorder.hits.slice(before)).toEqual(["/control.png"]);
  });

  test("loopback in every spelling, private, metadata, names resolving inside, credentials and redirects away are never fetched", async () => {
    recorder.hits.length = 0;
    own.hits.length = 0;
    const urls = [
      `http://127.0.0.1:${REC}/plain.png`,
      `https://127.0.0.1:${REC}/tls.png`,
      `http://localhost:${REC}/localhost.png`,
      `https://localhost:${REC}/localhost-tls.png`,
      `https://[::1]:${REC}/v6.png`,
      `https://[::ffff:127.0.0.1]:${REC}/mapped.png`,
      `https://2130706433:${REC}/decimal.png`,
      `https://0x7f.1:${REC}/hex.png`,
      `https://127.1:${REC}/short.png`,
      `https://0.0.0.0:${REC}/any.png`,
      `https://10.0.0.1/private.png`,
      `https://169.254.169.254/latest/meta-data/`,
      `https://metadata.google.internal/computeMetadata/v1/`,
      `https://rebind.example.com:${REC}/rebound.png`,
      `https://dual.example.com:${REC}/one-of-two.png`,
      `https://meta.example.com/latest/meta-data/`,
      `http://127.0.0.1:${ownServer.port}@127.0.0.1:${REC}/userinfo.png`,
      `http://user:pw@127.0.0.1:${ownServer.port}/creds.png`,
      `https://127.0.0.1:${ownServer.port}/other-scheme.png`,
      `file://${dataDir}/secret.txt`,
      `${OWN}/away`,
      `${OWN}/away-relative`,
      `${OWN}/away-name`,
    ];
    for (const url of urls) {
      // Each file still arrives: Green-API's downloadFile hands out a fresh URL on the instance's own host.
      const m = await incomingImage(url);
      expect(m.media, url).toMatchObject({ state: "ready", size: PNG.length });
    }
    expect(recorder.hits).toEqual([]);
    // The own host was asked for the three redirects (whose targets were then refused) and for a fresh URL each time.
    const asked = own.hits.filter((h) => h !== "downloadFile" && h !== "/fresh");
    expect(asked.sort()).toEqual(["/away", "/away-name", "/away-relative"]);
    expect(own.hits.filter((h) => h === "downloadFile").length).toBe(urls.length);
    expect(own.hits.filter((h) => h === "/fresh").length).toBe(urls.length);
  });

  test("a URL handed out by downloadFile gets the same policy", async () => {
    recorder.hits.length = 0;
    const m = await incomingImage(`https://10.0.0.1/private.png`, undefined, "EVIL");
    expect(m.media).toMatchObject({
      state: "failed",
      error: "its link leads to a private or local address, which is not fetched",
    });
    expect((await viewer.get(`/instances/${instanceId}/media/${m.id}`)).status).toBe(404);
    expect(recorder.hits).toEqual([]);
  });

  test("the instance's own media host is fetched", async () => {
    own.hits.length = 0;
    const m = await incomingImage(`${OWN}/ok.png`);
    expect(m.media).toMatchObject({ state: "ready", size: PNG.length });
    expect(own.hits).toEqual(["/ok.png"]);
    const res = await viewer.get(`/instances/${instanceId}/media/${m.id}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

/** Sends the path exactly as written (fetch would normalise dot segments). */
function raw(path: string, cookie: string): Promise<{ status: number; body: string }> {
  const u = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: "GET", headers: { cookie } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("path traversal", () => {
  test("dot segments, encoded dots and slashes, absolute paths: 4xx and nothing from outside the media store", async () => {
    const cookie = [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const base = `/instances/${instanceId}/media`;
    const paths = [
      `${base}/../../../secret.txt`,
      `${base}/..%2f..%2f..%2fsecret.txt`,
      `${base}/%2e%2e/%2e%2e/secret.txt`,
      `${base}/%2e%2e%2f%2e%2e%2fsecret.txt`,
      `${base}/..%5c..%5csecret.txt`,
      `${base}/%252e%252e%252fsecret.txt`,
      `${base}/${encodeURIComponent(join(dataDir, "secret.txt"))}`,
      `${base}//${join(dataDir, "secret.txt")}`,
      `${base}/1/../../../../secret.txt`,
      `/public/../../secret.txt`,
      `/public/%2e%2e/%2e%2e/package.json`,
      `/public/..%2f..%2fpackage.json`,
      `/public/%2e%2e%2f%2e%2e%2fpackage.json`,
      `/public/${encodeURIComponent("/etc/passwd")}`,
      `/public//etc/passwd`,
      `/public/..\\..\\package.json`,
    ];
    const wrong: string[] = [];
    for (const path of paths) {
      const res = await raw(path, cookie);
      if (res.status < 400 && !(res.status === 303 && !res.body)) wrong.push(`${path}: ${res.status}`);
      if (
        res.body.includes(OUTSIDE_SECRET) ||
        res.body.includes('"name": "greeninbox"') ||
        res.body.includes("root:x:0")
      )
        wrong.push(`${path}: served a file from outside`);
    }
    expect(wrong).toEqual([]);
  });

  test("a message whose stored hash is a path, or another file's hash, serves nothing from outside", async () => {
    const { db } = app.deps;
    const ok = await incomingImage(`${OWN}/ok2.png`);
    const chatId = ok.chatId;
    const wrong: string[] = [];
    for (const sha256 of [
      "../secret.txt",
      `${dataDir}/secret.txt`,
      "..%2fsecret.txt",
      "../../../../../../etc/passwd",
      "a".repeat(64),
    ]) {
      const [m] = await db
        .insert(messages)
        .values({
          instanceId,
          chatId,
          idMessage: crypto.randomUUID(),
          direction: "in",
          via: "whatsapp",
          type: "imageMessage",
          media: { kind: "image", state: "ready", sha256, mimeType: "image/png" },
        })
        .returning();
      const res = await viewer.get(`/instances/${instanceId}/media/${m!.id}`);
      const body = await res.text();
      if (res.status !== 404 || body.includes(OUTSIDE_SECRET)) wrong.push(`${sha256}: ${res.status}`);
    }
    // The file's own hash in the URL instead of a message id is no route at all.
    const res = await viewer.get(`/instances/${instanceId}/media/${(ok.media as { sha256: string }).sha256}`);
    expect(res.status).toBe(404);
    expect(wrong).toEqual([]);
  });
});
