// Rate limiter pacing, priorities, stats and stop on a fake clock, plus one real-timer pacing check.
import { describe, expect, test } from "bun:test";
import { createRateLimiter, RateLimiterStoppedError } from "./rate-limiter.ts";
import { apiError, limiterOnFakeClock as setup } from "./rate-limiter-clock.ts";

describe("pacing", () => {
  test("10 rps: one token per (1000+margin)/rps ms, catching up at most `tolerance` early", async () => {
    const { clock, limiter } = setup({}, { m: 10 });
    const times: number[] = [];
    const done = Array.from({ length: 5 }, () =>
      limiter.schedule("i1", "m", "normal", async () => times.push(clock.now())),
    );
    await clock.advance(1000);
    await Promise.all(done);
    expect(times).toEqual([0, 94, 198, 302, 406]);
  });

  test("1 rps: never two calls inside any 1-second window", async () => {
    const { clock, limiter } = setup();
    const times: number[] = [];
    for (let i = 0; i < 4; i++)
      void limiter.schedule("i1", "getStateInstance", "normal", async () => times.push(clock.now()));
    await clock.advance(5000);
    expect(times).toEqual([0, 1030, 2070, 3110]);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1000);
  });

  test("buckets are per (instance, method): others are not held back", async () => {
    const { clock, limiter } = setup();
    const times: Record<string, number> = {};
    void limiter.schedule("i1", "getStateInstance", "normal", async () => (times.a = clock.now()));
    void limiter.schedule("i1", "getStateInstance", "normal", async () => (times.b = clock.now()));
    void limiter.schedule("i2", "getStateInstance", "normal", async () => (times.c = clock.now()));
    void limiter.schedule("i1", "GetSettings", "normal", async () => (times.d = clock.now()));
    await clock.advance(2000);
    expect(times).toEqual({ a: 0, b: 1030, c: 0, d: 0 });
  });

  test("an idle bucket does not bank tokens for a burst", async () => {
    const { clock, limiter } = setup({}, { m: 10 });
    await limiter.schedule("i1", "m", "normal", async () => null);
    await clock.advance(5000);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) void limiter.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(1000);
    expect(times).toEqual([5000, 5094, 5198]);
  });

  test("X-RateLimit-Remaining 0 empties the bucket", async () => {
    const { clock, limiter } = setup({}, { m: 10 });
    const times: number[] = [];
    void limiter.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(50);
    limiter.observeRateLimit("i1", "m", 0);
    limiter.observeRateLimit("i1", "m", 7);
    void limiter.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(1000);
    expect(times).toEqual([0, 144]);
  });
});

describe("priorities", () => {
  test("reply > normal > background, FIFO inside a priority", async () => {
    const { clock, limiter } = setup();
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    void limiter.schedule("i1", "m", "background", job("bg1"));
    void limiter.schedule("i1", "m", "background", job("bg2"));
    void limiter.schedule("i1", "m", "normal", job("n1"));
    void limiter.schedule("i1", "m", "reply", job("r1"));
    void limiter.schedule("i1", "m", "background", job("bg3"));
    void limiter.schedule("i1", "m", "reply", job("r2"));
    await clock.advance(10_000);
    expect(order).toEqual(["bg1", "r1", "r2", "n1", "bg2", "bg3"]);
  });
});

describe("stats and stop", () => {
  test("stats report queue depth, in-flight, waits and counts", async () => {
    const { clock, limiter } = setup();
    let release!: () => void;
    void limiter.schedule("i1", "m", "normal", () => new Promise<void>((r) => (release = r)));
    void limiter.schedule("i1", "m", "normal", async () => null);
    await clock.advance(10);
    expect(limiter.stats()).toEqual([
      {
        instanceKey: "i1",
        method: "m",
        rps: 1,
        queued: 1,
        retrying: 0,
        inFlight: 1,
        sent: 1,
        succeeded: 0,
        failed: 0,
        retries: 0,
        rateLimited: 0,
        avgWaitMs: 0,
        maxWaitMs: 0,
      },
    ]);
    release();
    await clock.advance(2000);
    expect(limiter.stats()[0]).toMatchObject({
      queued: 0,
      inFlight: 0,
      sent: 2,
      succeeded: 2,
      avgWaitMs: 515,
      maxWaitMs: 1030,
    });
  });

  test("stop rejects queued and backing-off work, lets in-flight work finish, and refuses new work", async () => {
    const { clock, limiter } = setup();
    let release!: (v: string) => void;
    const inFlight = limiter.schedule("i1", "m", "normal", () => new Promise<string>((r) => (release = r)));
    const queued = limiter.schedule("i1", "m", "normal", async () => "never").catch((e: unknown) => e);
    const backingOff = limiter
      .schedule("i2", "m", "normal", async () => {
        throw apiError("server", 500);
      })
      .catch((e: unknown) => e);
    await clock.advance(10);
    expect(limiter.stats().find((s) => s.instanceKey === "i2")?.retrying).toBe(1);
    limiter.stop();
    expect(await queued).toBeInstanceOf(RateLimiterStoppedError);
    expect(await backingOff).toBeInstanceOf(RateLimiterStoppedError);
    expect(clock.pending.size).toBe(0);
    release("done");
    expect(await inFlight).toBe("done");
    expect(await limiter.schedule("i1", "m", "reply", async () => 1).catch((e: unknown) => e)).toBeInstanceOf(
      RateLimiterStoppedError,
    );
  });
});

test("real timers: 50 rps paces 12 calls ≈ 20.8 ms apart", async () => {
  const limiter = createRateLimiter();
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 12 }, () =>
      limiter.schedule("i", "sendMessage", "normal", async () => times.push(performance.now())),
    ),
  );
  // From the 2nd call on: the 1st fn runs only after this loop has scheduled the other 11 synchronously.
  const span = times[11]! - times[1]!;
  expect(span).toBeGreaterThanOrEqual(10 * 20.8 - 10 - 1);
  expect(span).toBeLessThan(10 * 20.8 + 150);
  limiter.stop();
});

test("holdAtStart: each method's first call waits one interval from the limiter's start, later buckets start at once", async () => {
  const { clock, limiter } = setup({ holdAtStart: true }, { m: 10 });
  const times: Record<string, number> = {};
  void limiter.schedule("i1", "getStateInstance", "normal", async () => (times.state = clock.now()));
  void limiter.schedule("i1", "m", "normal", async () => (times.m = clock.now()));
  await clock.advance(3000);
  void limiter.schedule("i2", "getStateInstance", "normal", async () => (times.late = clock.now()));
  await clock.advance(10);
  // 1 rps: (1000 + 40 ms margin) − 10 ms tolerance; 10 rps: 104 − 10 ms.
  expect(times).toEqual({ state: 1030, m: 94, late: 3000 });
});
