// Client transport: URLs and verbs, status-before-body, error kinds, rate-limit headers, and no token leaks.
import { describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import { createLogger } from "../lib/log.ts";
import { createGreenApiClient } from "./client.ts";
import { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
import type { RateLimitInfo } from "./http.ts";

const TOKEN = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
const ID = 7103000001;

interface Seen {
  url: string;
  method: string;
  contentType: string | null;
  body: unknown;
}

function fakeFetch(answer: (url: string) => Response | Promise<Response>, seen: Seen[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const contentType = req.headers.get("content-type");
    const body = contentType?.includes("json")
      ? await req.json()
      : contentType?.startsWith("multipart")
        ? await req.formData()
        : null;
    seen.push({ url: req.url, method: req.method, contentType, body });
    // Like real fetch, give up when the caller's signal fires.
    const aborted = new Promise<never>((_, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
    );
    return Promise.race([Promise.resolve().then(() => answer(req.url)), aborted]);
  }) as typeof fetch;
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger("trace", stream), lines };
}

function client(
  answer: (url: string) => Response | Promise<Response>,
  extra: { seen?: Seen[]; rl?: RateLimitInfo[] } = {},
) {
  const { log, lines } = capture();
  return {
    api: createGreenApiClient({
      apiUrl: "https://7103.api.greenapi.com/",
      mediaUrl: "https://7103.media.greenapi.com",
      idInstance: ID,
      apiTokenInstance: TOKEN,
      fetch: fakeFetch(answer, extra.seen),
      log,
      timeoutMs: 200,
      onRateLimit: (info) => extra.rl?.push(info),
    }),
    lines,
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
const empty = (status: number) =>
  new Response(null, { status, headers: { "content-type": "application/json", "content-length": "0" } });

describe("requests", () => {
  test("URL scheme, verbs, JSON bodies, query strings, receipt suffix and the media host", async () => {
    const seen: Seen[] = [];
    const { api } = client(
      (url) => {
        if (url.includes("/getStateInstance/")) return json({ stateInstance: "authorized" });
        if (url.includes("/sendMessage/")) return json({ idMessage: "BAE5F4886F6F2D05" });
        if (url.includes("/lastIncomingMessages/")) return json([]);
        if (url.includes("/deleteNotification/")) return json({ result: true });
        if (url.includes("/sendFileByUpload/"))
          return json({ idMessage: "BAE5F4886F6F2D06", urlFile: "https://f/x.png" });
        return json(null);
      },
      { seen },
    );
    expect(await api.getStateInstance()).toEqual({ stateInstance: "authorized" });
    expect(await api.sendMessage({ chatId: "79001234567@c.us", message: "hi" })).toEqual({
      idMessage: "BAE5F4886F6F2D05",
    });
    expect(await api.lastIncomingMessages(30)).toEqual([]);
    expect(await api.deleteNotification(42)).toEqual({ result: true });
    expect(await api.receiveNotification(5)).toBeNull();
    await api.sendFileByUpload({
      chatId: "79001234567@c.us",
      file: new Blob(["png"]),
      fileName: "x.png",
      caption: "c",
    });

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `GET https://7103.api.greenapi.com/waInstance${ID}/getStateInstance/${TOKEN}`,
      `POST https://7103.api.greenapi.com/waInstance${ID}/sendMessage/${TOKEN}`,
      `GET https://7103.api.greenapi.com/waInstance${ID}/lastIncomingMessages/${TOKEN}?minutes=30`,
      `DELETE https://7103.api.greenapi.com/waInstance${ID}/deleteNotification/${TOKEN}/42`,
      `GET https://7103.api.greenapi.com/waInstance${ID}/receiveNotification/${TOKEN}?receiveTimeout=5`,
      `POST https://7103.media.greenapi.com/waInstance${ID}/sendFileByUpload/${TOKEN}`,
    ]);
    expect(seen[1]?.body).toEqual({ chatId: "79001234567@c.us", message: "hi" });
    const form = seen[5]?.body as FormData;
    expect(form.get("chatId")).toBe("79001234567@c.us");
    expect(form.get("fileName")).toBe("x.png");
    expect(form.get("caption")).toBe("c");
    expect(await (form.get("file") as File).text()).toBe("png");
  });

  test("receiveNotification parses the body but still returns the receipt of an unparseable one", async () => {
    const bodies = [
      {
        receiptId: 1,
        body: {
          typeWebhook: "stateInstanceChanged",
          instanceData: { idInstance: ID, wid: "", typeInstance: "whatsapp" },
          timestamp: 1,
          stateInstance: "starting",
        },
      },
      { receiptId: 2, body: { nonsense: true } },
    ];
    const { api } = client(() => json(bodies.shift()));
    const first = await api.receiveNotification();
    expect(first?.parsed.ok && first.parsed.event.typeWebhook).toBe("stateInstanceChanged");
    const second = await api.receiveNotification();
    expect(second?.receiptId).toBe(2);
    expect(second?.parsed.ok).toBe(false);
  });

  test("X-RateLimit-Remaining is reported on successes and on errors", async () => {
    const rl: RateLimitInfo[] = [];
    let n = 0;
    const { api } = client(
      () => {
        n++;
        const headers = { "x-ratelimit-remaining": "0", "x-ratelimit-replenish-rate": "1" };
        return n === 1
          ? json({ stateInstance: "authorized" }, 200, headers)
          : new Response(null, { status: 429, headers });
      },
      { rl },
    );
    await api.getStateInstance();
    const err = await api.getStateInstance().catch((e: unknown) => e);
    expect(rl).toEqual([
      { method: "getStateInstance", remaining: 0, replenishRate: 1 },
      { method: "getStateInstance", remaining: 0, replenishRate: 1 },
    ]);
    expect(err).toBeInstanceOf(GreenApiError);
    expect((err as GreenApiError).rateLimitRemaining).toBe(0);
  });
});

/** Each way to fail, with a body that tries hard to leak the token. */
const FAILURES: Array<[string, GreenApiErrorKind, number | null, () => Response | Promise<Response>, string?]> = [
  ["401 empty body", "unauthorized", 401, () => empty(401)],
  [
    "403 html from nginx",
    "unauthorized",
    403,
    () =>
      new Response(`<html>403 /waInstance${ID}/getSettings/${TOKEN}</html>`, {
        status: 403,
        headers: { "content-type": "text/html" },
      }),
  ],
  [
    "404 NestJS body echoing the path",
    "notFound",
    404,
    () => json({ statusCode: 404, message: `Cannot GET /waInstance${ID}/getSettings/${TOKEN}` }, 404),
  ],
  ["429 empty body", "rateLimited", 429, () => empty(429)],
  [
    "466 quota",
    "quotaExceeded",
    466,
    () =>
      json(
        {
          invokeStatus: {
            method: "getsettings",
            used: 1000,
            total: 1000,
            status: "QUOTE_EXCEEDED",
            description: "Monthly quota has been exceeded",
          },
        },
        466,
      ),
    "QUOTE_EXCEEDED",
  ],
  [
    "400 echoing the token in path",
    "badRequest",
    400,
    () =>
      json(
        {
          statusCode: 400,
          timestamp: 1,
          path: `/waInstance${ID}/getSettings/${TOKEN}`,
          message: "instance in starting process try later",
        },
        400,
      ),
    "instance in starting process try later",
  ],
  [
    "400 whose message itself quotes the token",
    "badRequest",
    400,
    () => json({ message: `bad token ${TOKEN} in /waInstance${ID}/getSettings/${TOKEN}` }, 400),
  ],
  [
    "500 JSON",
    "server",
    500,
    () => json({ message: "File from url exceeded max upload size" }, 500),
    "exceeded max upload size",
  ],
  ["502 html", "server", 502, () => new Response("<html>bad gateway</html>", { status: 502 })],
  [
    "network error whose runtime error carries the URL",
    "network",
    null,
    () => {
      throw Object.assign(new TypeError(`Unable to connect /waInstance${ID}/getSettings/${TOKEN}`), {
        code: "ECONNREFUSED",
        path: `https://h/waInstance${ID}/getSettings/${TOKEN}`,
      });
    },
    "ECONNREFUSED",
  ],
  ["timeout", "network", null, () => new Promise<Response>(() => {}), "timed out"],
  ["200 with empty body", "invalidResponse", 200, () => empty(200), "empty body"],
  ["200 with non-JSON", "invalidResponse", 200, () => new Response(`oops ${TOKEN}`, { status: 200 })],
  ["200 with the wrong shape", "invalidResponse", 200, () => json({ wid: TOKEN, webhookUrl: 1 }), "unexpected shape"],
];

describe("errors", () => {
  for (const [name, kind, status, answer, reasonPart] of FAILURES) {
    test(`${name} → ${kind}, and the token appears nowhere`, async () => {
      const { api, lines } = client(answer);
      const err = await api.getSettings().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GreenApiError);
      const e = err as GreenApiError;
      expect(e.kind).toBe(kind);
      expect(e.status).toBe(status);
      expect(e.method).toBe("getSettings");
      if (reasonPart) expect(e.reason).toContain(reasonPart);
      expect(String(e)).toContain("getSettings");
      for (const text of [String(e), e.stack ?? "", e.reason, Bun.inspect(e), JSON.stringify(e), lines.join("\n")]) {
        expect(text).not.toContain(TOKEN);
      }
      expect(lines.length).toBeGreaterThan(0);
      expect(e.retryable).toBe(kind === "rateLimited" || kind === "network" || kind === "server");
    });
  }

  test("successful calls log without the token either", async () => {
    const { api, lines } = client(() => json({ stateInstance: "authorized" }));
    await api.getStateInstance();
    expect(lines.join("")).toContain("getStateInstance");
    expect(lines.join("")).not.toContain(TOKEN);
  });
});
