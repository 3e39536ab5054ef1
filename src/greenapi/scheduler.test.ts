// Scheduler: pacing, priorities, 429 pause, 5xx/network backoff, immediate 4xx failure, stats and stop — on a fake clock.
import { describe, expect, test } from "bun:test";
import { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
import { createScheduler, SchedulerStoppedError, type SchedulerOptions } from "./scheduler.ts";

function fakeClock() {
  let t = 0;
  let nextId = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    now: () => t,
    pending,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        pending.set(++nextId, { at: t + ms, fn });
        return nextId;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    /** Moves time forward, firing due timers in order and letting promises settle in between. */
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        await settle();
        const due = [...pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        t = Math.max(t, due[1].at);
        due[1].fn();
      }
      t = end;
      await settle();
    },
  };
}

function setup(extra: SchedulerOptions = {}, rps: Record<string, number> = {}) {
  const clock = fakeClock();
  const scheduler = createScheduler({
    now: clock.now, timers: clock.timers, safetyMarginMs: 40, toleranceMs: 10, random: () => 1,
    retryBaseMs: 100, retryCapMs: 1000, rpsFor: (m) => rps[m] ?? 1, ...extra,
  });
  return { clock, scheduler };
}

const apiError = (kind: GreenApiErrorKind, status: number | null) =>
  new GreenApiError({ method: "m", status, kind, reason: "test" });

describe("pacing", () => {
  test("10 rps: one token per (1000+margin)/rps ms, catching up at most `tolerance` early", async () => {
    const { clock, scheduler } = setup({}, { m: 10 });
    const times: number[] = [];
    const done = Array.from({ length: 5 }, () => scheduler.schedule("i1", "m", "normal", async () => times.push(clock.now())));
    await clock.advance(1000);
    await Promise.all(done);
    expect(times).toEqual([0, 94, 198, 302, 406]);
  });

  test("1 rps: never two calls inside any 1-second window", async () => {
    const { clock, scheduler } = setup();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) void scheduler.schedule("i1", "getStateInstance", "normal", async () => times.push(clock.now()));
    await clock.advance(5000);
    expect(times).toEqual([0, 1030, 2070, 3110]);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1000);
  });

  test("buckets are per (instance, method): others are not held back", async () => {
    const { clock, scheduler } = setup();
    const times: Record<string, number> = {};
    void scheduler.schedule("i1", "getStateInstance", "normal", async () => (times.a = clock.now()));
    void scheduler.schedule("i1", "getStateInstance", "normal", async () => (times.b = clock.now()));
    void scheduler.schedule("i2", "getStateInstance", "normal", async () => (times.c = clock.now()));
    void scheduler.schedule("i1", "GetSettings", "normal", async () => (times.d = clock.now()));
    await clock.advance(2000);
    expect(times).toEqual({ a: 0, b: 1030, c: 0, d: 0 });
  });

  test("an idle bucket does not bank tokens for a burst", async () => {
    const { clock, scheduler } = setup({}, { m: 10 });
    await scheduler.schedule("i1", "m", "normal", async () => null);
    await clock.advance(5000);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) void scheduler.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(1000);
    expect(times).toEqual([5000, 5094, 5198]);
  });

  test("X-RateLimit-Remaining 0 empties the bucket", async () => {
    const { clock, scheduler } = setup({}, { m: 10 });
    const times: number[] = [];
    void scheduler.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(50);
    scheduler.observeRateLimit("i1", "m", 0);
    scheduler.observeRateLimit("i1", "m", 7);
    void scheduler.schedule("i1", "m", "normal", async () => times.push(clock.now()));
    await clock.advance(1000);
    expect(times).toEqual([0, 144]);
  });
});

describe("priorities", () => {
  test("reply > normal > background, FIFO inside a priority", async () => {
    const { clock, scheduler } = setup();
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    void scheduler.schedule("i1", "m", "background", job("bg1"));
    void scheduler.schedule("i1", "m", "background", job("bg2"));
    void scheduler.schedule("i1", "m", "normal", job("n1"));
    void scheduler.schedule("i1", "m", "reply", job("r1"));
    void scheduler.schedule("i1", "m", "background", job("bg3"));
    void scheduler.schedule("i1", "m", "reply", job("r2"));
    await clock.advance(10_000);
    expect(order).toEqual(["bg1", "r1", "r2", "n1", "bg2", "bg3"]);
  });
});

describe("failures", () => {
  test("429: the bucket pauses ≥ 1 s, the job retries first, and the 429 is counted", async () => {
    const { clock, scheduler } = setup({}, { m: 10 });
    const calls: Array<[string, number]> = [];
    let first = true;
    const a = scheduler.schedule("i1", "m", "normal", async () => {
      calls.push(["a", clock.now()]);
      if (first) {
        first = false;
        throw apiError("rateLimited", 429);
      }
      return "a-ok";
    });
    const b = scheduler.schedule("i1", "m", "normal", async () => void calls.push(["b", clock.now()]));
    await clock.advance(3000);
    expect(await a).toBe("a-ok");
    await b;
    expect(calls).toEqual([["a", 0], ["a", 1000], ["b", 1094]]);
    const [stats] = scheduler.stats();
    expect(stats).toMatchObject({ rateLimited: 1, retries: 1, sent: 3, succeeded: 2, failed: 0 });
  });

  test("5xx and network errors retry with exponential backoff, then succeed", async () => {
    const { clock, scheduler } = setup({}, { m: 100 });
    const attempts: number[] = [];
    const errors = [apiError("server", 502), apiError("network", null), apiError("server", 500)];
    const p = scheduler.schedule("i1", "m", "normal", async () => {
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
    const { clock, scheduler } = setup({ random: () => 0, retryCapMs: 300, maxAttempts: 5 }, { m: 100 });
    const attempts: number[] = [];
    const p = scheduler.schedule("i1", "m", "normal", async () => {
      attempts.push(clock.now());
      if (attempts.length < 5) throw apiError("server", 502);
    });
    await clock.advance(5000);
    await p;
    // delays 50, 100, 150 (cap 300 · 0.5), 150
    expect(attempts).toEqual([0, 50, 150, 300, 450]);
  });

  test("retries are capped: the last error is thrown after maxAttempts", async () => {
    const { clock, scheduler } = setup({ maxAttempts: 3 }, { m: 100 });
    let n = 0;
    const p = scheduler.schedule("i1", "m", "normal", async () => {
      n++;
      throw apiError("server", 503);
    });
    const result = p.catch((e: unknown) => e);
    await clock.advance(5000);
    expect(await result).toMatchObject({ kind: "server", status: 503 });
    expect(n).toBe(3);
    expect(scheduler.stats()[0]).toMatchObject({ failed: 1, retries: 2 });
  });

  test("per-call maxAttempts 1 never repeats", async () => {
    const { clock, scheduler } = setup({}, { m: 100 });
    let n = 0;
    const result = scheduler.schedule("i1", "m", "reply", async () => {
      n++;
      throw apiError("network", null);
    }, { maxAttempts: 1 }).catch((e: unknown) => e);
    await clock.advance(5000);
    expect(await result).toBeInstanceOf(GreenApiError);
    expect(n).toBe(1);
  });

  test("400, 401, 466, invalid responses and foreign errors fail at once", async () => {
    const { clock, scheduler } = setup({}, { m: 100 });
    const kinds: Array<[GreenApiErrorKind, number]> = [["badRequest", 400], ["unauthorized", 401], ["quotaExceeded", 466], ["invalidResponse", 200], ["notFound", 404]];
    let calls = 0;
    const results = [...kinds.map(([k, s]) => apiError(k, s)), new Error("boom")].map((err) =>
      scheduler.schedule("i1", "m", "normal", async () => {
        calls++;
        throw err;
      }).catch((e: unknown) => e),
    );
    await clock.advance(1000);
    const errs = await Promise.all(results);
    expect(calls).toBe(6);
    expect(errs.map((e) => (e instanceof GreenApiError ? e.kind : (e as Error).message))).toEqual([...kinds.map(([k]) => k), "boom"]);
    expect(scheduler.stats()[0]).toMatchObject({ retries: 0, failed: 6 });
  });
});

describe("stats and stop", () => {
  test("stats report queue depth, in-flight, waits and counts", async () => {
    const { clock, scheduler } = setup();
    let release!: () => void;
    void scheduler.schedule("i1", "m", "normal", () => new Promise<void>((r) => (release = r)));
    void scheduler.schedule("i1", "m", "normal", async () => null);
    await clock.advance(10);
    expect(scheduler.stats()).toEqual([{
      instanceKey: "i1", method: "m", rps: 1, queued: 1, retrying: 0, inFlight: 1, sent: 1, succeeded: 0, failed: 0,
      retries: 0, rateLimited: 0, avgWaitMs: 0, maxWaitMs: 0,
    }]);
    release();
    await clock.advance(2000);
    expect(scheduler.stats()[0]).toMatchObject({ queued: 0, inFlight: 0, sent: 2, succeeded: 2, avgWaitMs: 515, maxWaitMs: 1030 });
  });

  test("stop rejects queued and backing-off work, lets in-flight work finish, and refuses new work", async () => {
    const { clock, scheduler } = setup();
    let release!: (v: string) => void;
    const inFlight = scheduler.schedule("i1", "m", "normal", () => new Promise<string>((r) => (release = r)));
    const queued = scheduler.schedule("i1", "m", "normal", async () => "never").catch((e: unknown) => e);
    const backingOff = scheduler.schedule("i2", "m", "normal", async () => {
      throw apiError("server", 500);
    }).catch((e: unknown) => e);
    await clock.advance(10);
    expect(scheduler.stats().find((s) => s.instanceKey === "i2")?.retrying).toBe(1);
    scheduler.stop();
    expect(await queued).toBeInstanceOf(SchedulerStoppedError);
    expect(await backingOff).toBeInstanceOf(SchedulerStoppedError);
    expect(clock.pending.size).toBe(0);
    release("done");
    expect(await inFlight).toBe("done");
    expect(await scheduler.schedule("i1", "m", "reply", async () => 1).catch((e: unknown) => e)).toBeInstanceOf(SchedulerStoppedError);
  });
});

test("real timers: 50 rps paces 11 calls over ≈ 10 intervals", async () => {
  const scheduler = createScheduler();
  const started = performance.now();
  const times: number[] = [];
  await Promise.all(Array.from({ length: 11 }, () => scheduler.schedule("i", "sendMessage", "normal", async () => times.push(performance.now() - started))));
  const span = times[10]! - times[0]!;
  expect(span).toBeGreaterThanOrEqual(10 * 20.8 - 10 - 2);
  expect(span).toBeLessThan(10 * 20.8 + 60);
  scheduler.stop();
});
