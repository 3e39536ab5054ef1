// Rate limiter failure handling on a fake clock: 429 pause, 5xx/network backoff with jitter and cap, immediate 4xx failure.
import { describe, expect, test } from "bun:test";
import { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
import { apiError, limiterOnFakeClock as setup } from "./rate-limiter-clock.ts";

describe("failures", () => {
  test("429: the bucket pauses ≥ 1 s, the job retries first, and the 429 is counted", async () => {
    const { clock, limiter } = setup({}, { m: 10 });
    const calls: Array<[string, number]> = [];
    let first = true;
    const a = limiter.schedule("i1", "m", "normal", async () => {
      calls.push(["a", clock.now()]);
      if (first) {
        first = false;
        throw apiError("rateLimited", 429);
      }
      return "a-ok";
    });
    const b = limiter.schedule("i1", "m", "normal", async () => void calls.push(["b", clock.now()]));
    await clock.advance(3000);
    expect(await a).toBe("a-ok");
    await b;
    expect(calls).toEqual([
      ["a", 0],
      ["a", 1000],
      ["b", 1094],
    ]);
    const [stats] = limiter.stats();
    expect(stats).toMatchObject({ rateLimited: 1, retries: 1, sent: 3, succeeded: 2, failed: 0 });
  });

  test("5xx and network errors retry with exponential backoff, then succeed", async () => {
    const { clock, limiter } = setup({}, { m: 100 });
    const attempts: number[] = [];
    const errors = [apiError("server", 502), apiError("network", null), apiError("server", 500)];
    const p = limiter.schedule("i1", "m", "normal", async () => {
      attempts.push(clock.now());
      const e = errors.shift();
      if (e) throw e;
      return 42;
    });
    await clock.advance(5000);
    expect(await p).toBe(42);
    // backoff 100, 200, 400 ms (random()=1 → the jitter factor is 1).
    expect(attempts).toEqual([0, 100, 300, 700]);
  });

  test("backoff jitter scales the delay down to half, and the cap bounds it", async () => {
    const { clock, limiter } = setup({ random: () => 0, retryCapMs: 300, maxAttempts: 5 }, { m: 100 });
    const attempts: number[] = [];
    const p = limiter.schedule("i1", "m", "normal", async () => {
      attempts.push(clock.now());
      if (attempts.length < 5) throw apiError("server", 502);
    });
    await clock.advance(5000);
    await p;
    // delays 50, 100, 150 (cap 300 · 0.5), 150
    expect(attempts).toEqual([0, 50, 150, 300, 450]);
  });

  test("retries are capped: the last error is thrown after maxAttempts", async () => {
    const { clock, limiter } = setup({ maxAttempts: 3 }, { m: 100 });
    let n = 0;
    const p = limiter.schedule("i1", "m", "normal", async () => {
      n++;
      throw apiError("server", 503);
    });
    const result = p.catch((e: unknown) => e);
    await clock.advance(5000);
    expect(await result).toMatchObject({ kind: "server", status: 503 });
    expect(n).toBe(3);
    expect(limiter.stats()[0]).toMatchObject({ failed: 1, retries: 2 });
  });

  test("per-call maxAttempts 1 never repeats", async () => {
    const { clock, limiter } = setup({}, { m: 100 });
    let n = 0;
    const result = limiter
      .schedule(
        "i1",
        "m",
        "reply",
        async () => {
          n++;
          throw apiError("network", null);
        },
        { maxAttempts: 1 },
      )
      .catch((e: unknown) => e);
    await clock.advance(5000);
    expect(await result).toBeInstanceOf(GreenApiError);
    expect(n).toBe(1);
  });

  test("400, 401, 466, invalid responses and foreign errors fail at once", async () => {
    const { clock, limiter } = setup({}, { m: 100 });
    const kinds: Array<[GreenApiErrorKind, number]> = [
      ["badRequest", 400],
      ["unauthorized", 401],
      ["quotaExceeded", 466],
      ["invalidResponse", 200],
      ["notFound", 404],
    ];
    let calls = 0;
    const results = [...kinds.map(([k, s]) => apiError(k, s)), new Error("boom")].map((err) =>
      limiter
        .schedule("i1", "m", "normal", async () => {
          calls++;
          throw err;
        })
        .catch((e: unknown) => e),
    );
    await clock.advance(1000);
    const errs = await Promise.all(results);
    expect(calls).toBe(6);
    expect(errs.map((e) => (e instanceof GreenApiError ? e.kind : (e as Error).message))).toEqual([
      ...kinds.map(([k]) => k),
      "boom",
    ]);
    expect(limiter.stats()[0]).toMatchObject({ retries: 0, failed: 6 });
  });
});
