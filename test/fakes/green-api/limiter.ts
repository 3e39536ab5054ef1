// Server-side rate limiter of the fake: per (instance, method) bucket refilled at each wall-clock second.
import { rateLimitFor } from "../../../src/greenapi/limits.ts";

/** Outcome of one request against its bucket; `remaining` feeds X-RateLimit-Remaining. */
export interface LimitDecision {
  allowed: boolean;
  remaining: number;
  rate: number;
}

export interface Limiter {
  take(idInstance: number, method: string): LimitDecision;
  /** 429s answered, for one instance or all. */
  violations(idInstance?: number): number;
}

/**
 * Token bucket like Green-API's gateway (X-RateLimit-Replenish-Rate): capacity = rps (at least 1),
 * refilled by rps tokens per whole second elapsed, so at most `rps` calls pass in one second. `rateScale` multiplies
 * every documented limit (tests that cannot wait minutes; the app's rate limiter is given the same factor).
 */
export function createLimiter(now: () => number = Date.now, rateScale = 1): Limiter {
  const buckets = new Map<string, { tokens: number; second: number }>();
  const counts = new Map<number, number>();
  return {
    take(idInstance, method) {
      const rate = rateLimitFor(method) * rateScale;
      const capacity = Math.max(1, rate);
      const second = Math.floor(now() / 1000);
      const key = `${idInstance}:${method.toLowerCase()}`;
      const b = buckets.get(key) ?? { tokens: capacity, second };
      b.tokens = Math.min(capacity, b.tokens + (second - b.second) * rate);
      b.second = second;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { allowed: true, remaining: Math.floor(b.tokens), rate };
      }
      counts.set(idInstance, (counts.get(idInstance) ?? 0) + 1);
      return { allowed: false, remaining: 0, rate };
    },
    violations(idInstance) {
      if (idInstance !== undefined) return counts.get(idInstance) ?? 0;
      let total = 0;
      for (const n of counts.values()) total += n;
      return total;
    },
  };
}
