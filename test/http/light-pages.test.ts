// Pages that travel light, over real HTTP: brotli/gzip by Accept-Encoding (never for the live stream or files), hashed
// static URLs cached as immutable, and HTML pages revalidated by ETag (304).
import { PAGE_SCRIPTS, PAGE_STYLES } from "../../src/lib/assets.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { messages } from "../../src/db/schema/index.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { insertChat } from "../support/fixtures.ts";

const CSS = readFileSync(new URL("../../public/app.css", import.meta.url));
const JSON_FILE = new TextEncoder().encode(
  JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ i, text: "the same line again" })) }),
);

let app: TestApp;
let instanceId: number;
let admin: Agent;

beforeAll(async () => {
  ({ app, instanceId } = await startAppWithInstance("Sales"));
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);
afterAll(() => app.stop());

/** The raw answer: no decoding by the client, and exactly the Accept-Encoding given (none when undefined). */
function raw(path: string, acceptEncoding?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(app.url + path, {
    headers: { ...(acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding }), ...headers },
    decompress: false,
  } as RequestInit);
}

/** The /public URLs a page links (stylesheets, scripts, icon). */
function publicUrls(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/public\/[^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
}

describe("compression", () => {
  test("a CSS file comes back as brotli when br is accepted, decoding to the file", async () => {
    const res = await raw("/public/app.css", "br, gzip");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(CSS.length / 2);
    expect(brotliDecompressSync(body).equals(CSS)).toBe(true);
  });

  test("gzip when br is not accepted, and the file as it is when neither is", async () => {
    const gz = await raw("/public/app.css", "gzip, deflate");
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(CSS)).toBe(true);
    for (const accept of [undefined, "identity", "br;q=0, gzip;q=0"]) {
      const plain = await raw("/public/app.css", accept);
      expect(plain.headers.get("content-encoding"), String(accept)).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(CSS)).toBe(true);
    }
  });

  test("pages are compressed too; a tiny body is not", async () => {
    const page = await admin.request("/chats", {
      headers: { "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(page.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await page.arrayBuffer())).toString()).toContain("<!DOCTYPE html>");
    const health = await raw("/healthz", "br, gzip");
    expect(health.headers.get("content-encoding")).toBeNull();
    expect(await health.json()).toEqual({ status: "ok" });
  });

  test("the live stream is never compressed", async () => {
    const res = await admin.request("/events", {
      headers: { accept: "text/event-stream", "accept-encoding": "br, gzip" },
      decompress: false,
    } as RequestInit);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    expect(res.headers.get("content-encoding")).toBeNull();
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toStartWith(": connected");
    await reader.cancel();
  });

  test("a media download goes out as stored, even of a type pages are compressed in", async () => {
    const stored = await app.deps.media.store.store(new Blob([JSON_FILE]), {
      fileName: "export.json",
      mimeType: "application/json",
    });
    const chatId = await insertChat(app.deps.db, instanceId, "79005550101@c.us", "Customer");
    const [row] = await app.deps.db
      .insert(messages)
      .values({
        instanceId,
        chatId,
        idMessage: "LIGHT-DOC",
        direction: "in",
        via: "whatsapp",
        type: "documentMessage",
        sentAt: new Date(),
        media: { kind: "document", mimeType: "application/json", fileName: "export.json", ...stored, state: "ready" },
      })
      .returning();
    const res = await admin.request(`/instances/${instanceId}/media/${row!.id}`, {
      headers: { "accept-encoding": "br, gzip" },
      decompress: false,
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("content-length")).toBe(String(JSON_FILE.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(JSON_FILE))).toBe(true);
  });
});

describe("caching", () => {
  test("the page links its CSS, JS and icon only by hashed URLs, each cached for a year as immutable", async () => {
    const html = await (await admin.get("/chats")).text();
    const urls = publicUrls(html);
    expect(urls.filter((u) => /\.css\?/.test(u))).toHaveLength(PAGE_STYLES.length);
    expect(urls.filter((u) => /\.js\?/.test(u))).toHaveLength(PAGE_SCRIPTS.length);
    for (const url of urls) {
      expect(url).toMatch(/^\/public\/[\w./-]+\?v=[0-9a-f]{16}$/);
      const res = await raw(url, "br");
      expect(res.status, url).toBe(200);
      expect(res.headers.get("cache-control"), url).toBe("public, max-age=31536000, immutable");
      const name = url.slice("/public/".length, url.indexOf("?"));
      const bytes = readFileSync(new URL(`../../public/${name}`, import.meta.url));
      const body = Buffer.from(await res.arrayBuffer());
      expect(
        (res.headers.get("content-encoding") === "br" ? brotliDecompressSync(body) : body).equals(bytes),
        url,
      ).toBe(true);
    }
  });

  test("an unversioned or outdated URL still works, revalidated by its ETag instead of kept", async () => {
    const html = await (await admin.get("/chats")).text();
    const hashed = publicUrls(html).find((u) => u.startsWith("/public/app.css?"))!;
    for (const url of ["/public/app.css", "/public/app.css?v=0000000000000000"]) {
      const res = await raw(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, no-cache");
      const etag = res.headers.get("etag")!;
      expect(etag).toBeTruthy();
      const again = await raw(url, undefined, { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    }
    expect((await raw(hashed)).headers.get("etag")).toBe((await raw("/public/app.css")).headers.get("etag"));
  });

  test("an HTML page answers 304 to its own ETag, stays private, and changes its ETag when it changes", async () => {
    const first = await admin.get("/chats");
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"\w+"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await admin.get("/chats", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("private, no-cache");

    await insertChat(app.deps.db, instanceId, "79005550102@c.us", "Someone new");
    const changed = await admin.get("/chats", { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.text()).toContain("Someone new");
  });
});
