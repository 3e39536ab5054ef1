// Fake clock and timers for rate limiter tests, plus a rate limiter wired to them with fixed test settings.
import { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
import { createRateLimiter, type RateLimiterOptions } from "./rate-limiter.ts";

/** Virtual time: timers fire only when `advance` moves past them. */
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

/** A rate limiter on a fake clock: margin 40 ms, tolerance 10 ms, no jitter, backoff 100 ms (cap 1 s); rps per method (default 1). */
export function limiterOnFakeClock(extra: RateLimiterOptions = {}, rps: Record<string, number> = {}) {
  const clock = fakeClock();
  const limiter = createRateLimiter({
    now: clock.now,
    timers: clock.timers,
    safetyMarginMs: 40,
    toleranceMs: 10,
    random: () => 1,
    retryBaseMs: 100,
    retryCapMs: 1000,
    rpsFor: (m) => rps[m] ?? 1,
    ...extra,
  });
  return { clock, limiter };
}

export const apiError = (kind: GreenApiErrorKind, status: number | null) =>
  new GreenApiError({ method: "m", status, kind, reason: "test" });
