// Fake rate limits and faults, and the rate limiter + client keeping to the limits and recovering from errors.
import { afterAll, describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import {
  createGreenApiClient,
  createRateLimiter,
  GreenApiError,
  type GreenApiClient,
  type GreenApiErrorKind,
} from "../../../src/greenapi/index.ts";
import { createLogger } from "../../../src/lib/log.ts";
import { newInstance, startFastFake } from "./testkit.ts";

const fake = startFastFake();
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

/** Waits for the start of a wall-clock second so a short burst cannot straddle a refill. */
async function secondStart(): Promise<void> {
  await Bun.sleep(1000 - (Date.now() % 1000) + 5);
}

function raw(idInstance: number, token: string, method: string) {
  return fetch(`${fake.url}/waInstance${idInstance}/${method}/${token}`);
}

describe("fake rate limiter", () => {
  test("a burst of 3 getStateInstance in one second → 200, 429, 429 and 2 violations", async () => {
    const { idInstance, apiTokenInstance } = newInstance(fake);
    await secondStart();
    const answers = await Promise.all([1, 2, 3].map(() => raw(idInstance, apiTokenInstance, "getStateInstance")));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    const limited = answers.find((r) => r.status === 429)!;
    expect(await limited.text()).toBe("");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-replenish-rate")).toBe("1");
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    expect(fake.control.violations(idInstance)).toBe(2);
  });

  test("the limiter runs before authentication: bad-token bursts get 401 then 429", async () => {
    const { idInstance } = newInstance(fake);
    await secondStart();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await raw(idInstance, "wrong", "getSettings")).status);
    expect(statuses).toEqual([401, 429, 429]);
  });

  test("limits are per instance and per method; 50 sendMessage pass in a second, the 51st does not", async () => {
    const a = newInstance(fake);
    const b = newInstance(fake);
    await secondStart();
    const sends = await Promise.all(
      Array.from({ length: 51 }, (_, i) =>
        a.client.sendMessage({ chatId: CHAT, message: `m${i}` }).then(
          () => 200,
          (e: GreenApiError) => e.status,
        ),
      ),
    );
    expect(sends.filter((s) => s === 200).length).toBe(50);
    expect(sends.filter((s) => s === 429).length).toBe(1);
    expect((await a.client.getStateInstance())?.stateInstance).toBe("authorized");
    expect((await b.client.sendMessage({ chatId: CHAT, message: "other instance" })).idMessage).toMatch(/^BAE5/);
    expect(fake.control.violations(b.idInstance)).toBe(0);
    expect(fake.control.sentMessages(a.idInstance)).toHaveLength(50);
  });
});

describe("errors over HTTP never show the token", () => {
  interface Arena {
    idInstance: number;
    /** A client of the same instance with another token and/or a path prefix on the API URL. */
    variant(token: string, prefix?: string): GreenApiClient;
    client: GreenApiClient;
    token: string;
  }
  const cases: Array<[string, GreenApiErrorKind, (a: Arena) => Promise<unknown>]> = [
    [
      "bad token",
      "unauthorized",
      (a) => a.variant(a.token.slice(0, -1) + (a.token.endsWith("0") ? "1" : "0")).getSettings(),
    ],
    ["400 echoing the token", "badRequest", (a) => a.client.sendMessage({ chatId: "bad", message: "x" })],
    ["404 echoing the token", "notFound", (a) => a.variant(a.token, "/unknown").getSettings()],
    [
      "466",
      "quotaExceeded",
      (a) => {
        fake.control.setQuotaExceeded(a.idInstance, true);
        return a.client.sendMessage({ chatId: CHAT, message: "x" });
      },
    ],
    [
      "502",
      "server",
      (a) => {
        fake.control.faults({ next5xx: 1 });
        return a.client.getWaSettings();
      },
    ],
    // A POST: Bun's fetch transparently re-sends a GET whose pooled connection was reset.
    [
      "dropped connection",
      "network",
      (a) => {
        fake.control.faults({ dropNextConnections: 1 });
        return a.client.getContactInfo(CHAT);
      },
    ],
    [
      "timeout",
      "network",
      (a) => {
        fake.control.faults({ latencyMs: 400 });
        return a.client.getWaSettings();
      },
    ],
  ];

  for (const [name, kind, act] of cases) {
    test(`${name} → ${kind}`, async () => {
      const lines: string[] = [];
      const log = createLogger(
        "trace",
        new Writable({
          write: (c, _e, cb) => {
            lines.push(String(c));
            cb();
          },
        }),
      );
      const { idInstance, apiTokenInstance: token, client } = newInstance(fake, { client: { log, timeoutMs: 200 } });
      const variant = (t: string, prefix = "") =>
        createGreenApiClient({
          apiUrl: fake.url + prefix,
          mediaUrl: fake.mediaUrl,
          idInstance,
          apiTokenInstance: t,
          log,
        });
      const err = await act({ idInstance, variant, client, token }).then(
        () => null,
        (e: unknown) => e,
      );
      fake.control.faults({ latencyMs: 0 });
      expect(err).toBeInstanceOf(GreenApiError);
      expect((err as GreenApiError).kind).toBe(kind);
      expect(lines.length).toBeGreaterThan(0);
      for (const text of [String(err), (err as Error).stack ?? "", Bun.inspect(err), lines.join("")]) {
        expect(text).not.toContain(token);
      }
    });
  }
});

describe("rate limiter against the fake", () => {
  test("75 sendMessage through the rate limiter: no 429, paced at just under 50/s", async () => {
    const { client, idInstance } = newInstance(fake);
    const limiter = createRateLimiter();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 75 }, (_, i) =>
        limiter.schedule("a", "sendMessage", "normal", () => client.sendMessage({ chatId: CHAT, message: `n${i}` })),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(fake.control.violations(idInstance)).toBe(0);
    expect(fake.control.sentMessages(idInstance)).toHaveLength(75);
    expect(seconds).toBeGreaterThan(74 / 50);
    expect(seconds).toBeLessThan(74 / 48 + 0.6);
    expect(limiter.stats()[0]).toMatchObject({ sent: 75, succeeded: 75, rateLimited: 0 });
  });

  test("a 429 caused by someone else: the rate limiter backs off ≥ 1 s and the call still succeeds", async () => {
    const limiter = createRateLimiter();
    const { client, idInstance, apiTokenInstance } = newInstance(fake, {
      client: { onRateLimit: ({ method, remaining }) => limiter.observeRateLimit("k", method, remaining) },
    });
    await raw(idInstance, apiTokenInstance, "getSettings");
    const started = performance.now();
    const settings = await limiter.schedule("k", "getSettings", "reply", () => client.getSettings());
    expect(settings.webhookUrl).toBe("");
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(limiter.stats()[0]).toMatchObject({ rateLimited: 1, succeeded: 1 });
    expect(fake.control.violations(idInstance)).toBe(1);
  });

  test("5xx and dropped connections are retried until the call succeeds; 400 is not retried", async () => {
    const limiter = createRateLimiter({ retryBaseMs: 20 });
    const { client, idInstance } = newInstance(fake);
    fake.control.faults({ next5xx: 2 });
    expect(
      (
        await limiter.schedule("k", "sendMessage", "reply", () =>
          client.sendMessage({ chatId: CHAT, message: "retry" }),
        )
      ).idMessage,
    ).toMatch(/^BAE5/);
    fake.control.faults({ dropNextConnections: 1 });
    expect(
      (
        await limiter.schedule("k", "sendMessage", "reply", () =>
          client.sendMessage({ chatId: CHAT, message: "again" }),
        )
      ).idMessage,
    ).toMatch(/^BAE5/);
    const bad = await limiter
      .schedule("k", "sendMessage", "reply", () => client.sendMessage({ chatId: "x", message: "no" }))
      .catch((e: GreenApiError) => e);
    expect(bad).toMatchObject({ kind: "badRequest" });
    expect(limiter.stats()[0]).toMatchObject({ retries: 3, failed: 1, succeeded: 2 });
    expect(fake.control.sentMessages(idInstance).map((s) => s.text)).toEqual(["retry", "again"]);
  });
});
