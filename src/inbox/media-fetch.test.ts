import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MessageMedia } from "../db/schema/index.ts";
import type { Resolver } from "../lib/public-fetch.ts";
import { fetchMedia, isOwnOrigin, MediaFetchError, typeFitsKind } from "./media-fetch.ts";
import { contentDisposition } from "./media-routes.ts";
import { createMediaStore } from "./media-store.ts";

/** Answers every request with a tiny PNG, or a redirect for /to?url=…; listens on IPv4 and IPv6 loopback alike. */
const hits: string[] = [];
const server = Bun.serve({
  port: 0,
  hostname: "::",
  fetch(req) {
    const url = new URL(req.url);
    hits.push(url.pathname);
    const to = url.searchParams.get("url");
    if (url.pathname === "/to" && to) return new Response(null, { status: 302, headers: { location: to } });
    return new Response("png-bytes", { headers: { "content-type": "image/png" } });
  },
});
const PORT = server.port;
const OWN = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), "gi-media-fetch-"));
const store = createMediaStore(dir);
const media: MessageMedia = { kind: "image", state: "pending", mimeType: "image/png" };
/** An instance on Green-API's real hosts: nothing local is its own. */
const remote = { apiUrl: "https://7103.api.greenapi.com", mediaUrl: "https://7103.media.greenapi.com" };
/** Public-looking names that lead inside. */
const resolve: Resolver = async (name) =>
  ({
    "cdn.example.com": ["127.0.0.1"],
    "files.example.net": ["8.8.8.8", "10.0.0.1"],
    "v6.example.org": ["::ffff:127.0.0.1"],
  })[name] ?? [];

afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hits.length = 0;
});

const get = (url: string, instance: { apiUrl: string; mediaUrl: string } = remote) =>
  fetchMedia(url, media, instance, store, { maxBytes: 1024, resolve });

describe("address policy", () => {
  test("positive control: the server counts what reaches it over IPv4 and IPv6", async () => {
    expect(await (await fetch(`http://127.0.0.1:${PORT}/v4`)).text()).toBe("png-bytes");
    expect(await (await fetch(`http://[::1]:${PORT}/v6`)).text()).toBe("png-bytes");
    expect(hits).toEqual(["/v4", "/v6"]);
  });

  test("the instance's own origin is fetched whatever it resolves to, with its scheme and port only", async () => {
    const file = await get(`${OWN}/files/a.png`, { apiUrl: OWN, mediaUrl: OWN });
    expect(file).toMatchObject({ size: 9, mimeType: "image/png" });
    expect(hits).toEqual(["/files/a.png"]);
    const own = { apiUrl: "http://127.0.0.1:8080", mediaUrl: "http://127.0.0.1:8081" };
    expect(isOwnOrigin(new URL("http://127.0.0.1:8081/files/a"), own)).toBe(true);
    expect(isOwnOrigin(new URL("http://127.0.0.1:9999/files/a"), own)).toBe(false);
    expect(isOwnOrigin(new URL("https://127.0.0.1:8081/files/a"), own)).toBe(false);
    expect(isOwnOrigin(new URL("http://u:p@127.0.0.1:8081/files/a"), own)).toBe(false);
  });

  test("loopback, private, metadata and mapped addresses, and names resolving to them, are never connected to", async () => {
    const urls = [
      `${OWN}/not-own.png`,
      `https://127.0.0.1:${PORT}/https.png`,
      `https://10.0.0.1/a.png`,
      `https://169.254.169.254/latest/meta-data/`,
      `https://[::1]:${PORT}/v6.png`,
      `https://[::ffff:127.0.0.1]:${PORT}/mapped.png`,
      `https://cdn.example.com:${PORT}/rebound.png`,
      `https://files.example.net:${PORT}/one-of-two.png`,
      `https://v6.example.org:${PORT}/mapped-name.png`,
      `https://metadata.google.internal/computeMetadata/v1/`,
      `https://localhost:${PORT}/localhost.png`,
      `https://user:pw@cdn.example.com/creds.png`,
      `file:///etc/passwd`,
      `not a url`,
    ];
    for (const url of urls) {
      const err = await get(url).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(MediaFetchError);
      expect((err as MediaFetchError).key, url).toBe("media.error.refused");
    }
    expect(hits).toEqual([]);
  });

  test("every redirect target is checked again: a redirect to a private address is refused", async () => {
    const own = { apiUrl: OWN, mediaUrl: OWN };
    for (const target of [
      `https://127.0.0.1:${PORT}/x.png`,
      `https://cdn.example.com:${PORT}/x.png`,
      `https://10.0.0.1/x.png`,
      `//localhost:${PORT}/x.png`,
    ]) {
      const err = await get(`${OWN}/to?url=${encodeURIComponent(target)}`, own).catch((e: unknown) => e);
      expect((err as MediaFetchError).key, target).toBe("media.error.refused");
    }
    expect(hits).toEqual(["/to", "/to", "/to", "/to"]);
  });

  test("at most 3 redirects are followed", async () => {
    const own = { apiUrl: OWN, mediaUrl: OWN };
    const chain = (n: number): string =>
      n === 0 ? `${OWN}/end.png` : `${OWN}/to?url=${encodeURIComponent(chain(n - 1))}`;
    expect(await get(chain(3), own)).toMatchObject({ mimeType: "image/png" });
    const err = await get(chain(4), own).catch((e: unknown) => e);
    expect(err).toMatchObject({ key: "media.error.http", params: { status: 302 } });
  });
});

describe("content checks and headers", () => {
  test("content types must fit the announced kind", () => {
    expect(typeFitsKind("image/jpeg", "image")).toBe(true);
    expect(typeFitsKind("text/html", "image")).toBe(false);
    expect(typeFitsKind("audio/ogg", "voice")).toBe(true);
    expect(typeFitsKind("application/x-msdownload", "document")).toBe(true);
  });

  test("Content-Disposition carries an ASCII fallback and an RFC 5987 UTF-8 name", () => {
    expect(contentDisposition("attachment", `a "b".pdf`)).toBe(
      `attachment; filename="a _b_.pdf"; filename*=UTF-8''a%20%22b%22.pdf`,
    );
    expect(contentDisposition("inline", "it's (1).jpg")).toBe(
      `inline; filename="it's (1).jpg"; filename*=UTF-8''it%27s%20%281%29.jpg`,
    );
  });
});
