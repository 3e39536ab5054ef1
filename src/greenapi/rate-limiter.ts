// Paces Green-API calls per (instance, method): token bucket (GCRA form), priority queues, 429/5xx retries.
// Over 250 lines for a reason: one algorithm — the buckets, queues and retries share the per-key state.
import type { Logger } from "../lib/log.ts";
import { GreenApiError } from "./errors.ts";
import { rateLimitFor } from "./limits.ts";
import { metrics } from "../metrics/index.ts";

/** Within one bucket a manager's reply goes before normal work, which goes before background jobs. */
/** How many 429 answers a call may wait out beyond its maxAttempts. */
const RATE_LIMITED_EXTRA = 5;

export type Priority = "reply" | "normal" | "background";
const PRIORITIES: readonly Priority[] = ["reply", "normal", "background"];

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RateLimiterOptions {
  now?: () => number;
  timers?: Timers;
  log?: Logger;
  /** Requests/second per method; defaults to limits.ts. */
  rpsFor?: (method: string) => number;
  /** Each second of allowance is stretched to 1000 + margin ms so network jitter cannot cause a 429. Default 40. */
  safetyMarginMs?: number;
  /** How early a send may go to catch up with a late timer. Must stay below the margin. Default 10. */
  toleranceMs?: number;
  /** Attempts per job including the first (429, 5xx and network errors are retried). Default 5. */
  maxAttempts?: number;
  /** Backoff for 5xx/network retries: min(cap, base·2^(n-1)) with ±50 % jitter. Defaults 500 / 10 000 ms. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** How long a bucket rests after a 429 (Green-API refills every second). Default 1000. */
  rateLimitPauseMs?: number;
  random?: () => number;
  /**
   * A process cannot know what the one before it sent (a restart right after a crash): each bucket's first call then
   * waits one interval from the limiter's creation, so both processes' calls together stay within the limit.
   * Default false (a limiter on its own starts at once).
   */
  holdAtStart?: boolean;
}

export interface ScheduleOptions {
  /** Overrides maxAttempts, e.g. 1 for a send that must never be repeated after an ambiguous failure. */
  maxAttempts?: number;
}

export interface BucketStats {
  instanceKey: string;
  method: string;
  rps: number;
  /** Jobs waiting for a token. */
  queued: number;
  /** Jobs waiting out a retry backoff. */
  retrying: number;
  inFlight: number;
  /** Requests handed to the network (every attempt). */
  sent: number;
  succeeded: number;
  failed: number;
  retries: number;
  /** 429 answers seen. */
  rateLimited: number;
  /** Time from schedule() to the first attempt. */
  avgWaitMs: number;
  maxWaitMs: number;
}

export interface RateLimiter {
  /** Runs `fn` when the (instanceKey, method) bucket has a token, retrying per the policy above. */
  schedule<T>(
    instanceKey: string,
    method: string,
    priority: Priority,
    fn: () => Promise<T>,
    options?: ScheduleOptions,
  ): Promise<T>;
  /** Feed `X-RateLimit-Remaining` here (client `onRateLimit`); 0 empties the bucket. */
  observeRateLimit(instanceKey: string, method: string, remaining: number): void;
  stats(): BucketStats[];
  /** Rejects queued and backing-off jobs with RateLimiterStoppedError; in-flight ones finish without retry. */
  stop(): void;
}

/** Rejection of work still pending when the limiter stopped. */
export class RateLimiterStoppedError extends Error {
  override readonly name = "RateLimiterStoppedError";
  constructor() {
    super("rate limiter stopped");
  }
}

interface Job {
  seq: number;
  priority: Priority;
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  enqueuedAt: number;
  attempts: number;
  maxAttempts: number;
}

interface Bucket {
  instanceKey: string;
  method: string;
  rps: number;
  intervalMs: number;
  /** Theoretical arrival time of the next request (GCRA): a token exists when now ≥ tat − tolerance. */
  tat: number;
  pausedUntil: number;
  queues: Record<Priority, Job[]>;
  backoffs: Map<Job, unknown>;
  timer: unknown;
  inFlight: number;
  sent: number;
  succeeded: number;
  failed: number;
  retries: number;
  rateLimited: number;
  waitTotal: number;
  waitCount: number;
  waitMax: number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Creates an in-memory rate limiter (no persistence; an outbox can be built on `schedule`). */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? (() => performance.now());
  const timers = options.timers ?? realTimers;
  const rpsFor = options.rpsFor ?? rateLimitFor;
  const margin = options.safetyMarginMs ?? 40;
  const tolerance = Math.min(options.toleranceMs ?? 10, margin);
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBase = options.retryBaseMs ?? 500;
  const retryCap = options.retryCapMs ?? 10_000;
  const pauseMs = options.rateLimitPauseMs ?? 1000;
  const random = options.random ?? Math.random;
  const buckets = new Map<string, Bucket>();
  const startedAt = now();
  let seq = 0;
  let stopped = false;

  function bucketFor(instanceKey: string, method: string): Bucket {
    const key = `${instanceKey}\u0000${method.toLowerCase()}`;
    let b = buckets.get(key);
    if (!b) {
      const rps = rpsFor(method);
      const intervalMs = (1000 + margin) / rps;
      b = {
        instanceKey,
        method,
        rps,
        intervalMs,
        tat: options.holdAtStart ? startedAt + intervalMs : -Infinity,
        pausedUntil: -Infinity,
        queues: { reply: [], normal: [], background: [] },
        backoffs: new Map(),
        timer: null,
        inFlight: 0,
        sent: 0,
        succeeded: 0,
        failed: 0,
        retries: 0,
        rateLimited: 0,
        waitTotal: 0,
        waitCount: 0,
        waitMax: 0,
      };
      buckets.set(key, b);
    }
    return b;
  }

  function nextJob(b: Bucket): Job | undefined {
    for (const p of PRIORITIES) if (b.queues[p].length) return b.queues[p].shift();
    return undefined;
  }

  function hasWork(b: Bucket): boolean {
    return PRIORITIES.some((p) => b.queues[p].length > 0);
  }

  function pump(b: Bucket): void {
    while (!stopped && hasWork(b)) {
      const t = now();
      const readyAt = Math.max(b.pausedUntil, b.tat - tolerance);
      if (t < readyAt) {
        if (b.timer !== null) timers.clearTimeout(b.timer);
        b.timer = timers.setTimeout(() => {
          b.timer = null;
          pump(b);
        }, readyAt - t);
        return;
      }
      b.tat = Math.max(b.tat, t) + b.intervalMs;
      dispatch(b, nextJob(b)!, t);
    }
  }

  function dispatch(b: Bucket, job: Job, t: number): void {
    if (job.attempts === 0) {
      const wait = t - job.enqueuedAt;
      b.waitTotal += wait;
      b.waitCount++;
      b.waitMax = Math.max(b.waitMax, wait);
      metrics.rateLimiterWait.observe({ method: b.method }, wait / 1000);
    }
    job.attempts++;
    b.inFlight++;
    b.sent++;
    Promise.resolve()
      .then(job.fn)
      .then(
        (value) => {
          b.inFlight--;
          b.succeeded++;
          job.resolve(value);
        },
        (err: unknown) => {
          b.inFlight--;
          onFailure(b, job, err);
        },
      );
  }

  function onFailure(b: Bucket, job: Job, err: unknown): void {
    const apiErr = err instanceof GreenApiError ? err : null;
    if (apiErr?.rateLimitRemaining === 0) emptyBucket(b);
    // A 429 was refused before anything ran, so it is waited out even past maxAttempts (which guards ambiguous failures
    // such as a send whose answer was lost), up to RATE_LIMITED_EXTRA more tries.
    const spent =
      apiErr?.kind === "rateLimited"
        ? job.attempts >= job.maxAttempts + RATE_LIMITED_EXTRA
        : job.attempts >= job.maxAttempts;
    if (!apiErr?.retryable || stopped || spent) {
      b.failed++;
      job.reject(err);
      return;
    }
    b.retries++;
    if (apiErr.kind === "rateLimited") {
      b.rateLimited++;
      b.pausedUntil = Math.max(b.pausedUntil, now() + pauseMs);
      options.log?.debug(
        { instanceKey: b.instanceKey, method: b.method, attempt: job.attempts },
        "green-api 429, bucket paused",
      );
      requeue(b, job);
      return;
    }
    const delay = Math.min(retryCap, retryBase * 2 ** (job.attempts - 1)) * (0.5 + random() * 0.5);
    options.log?.debug(
      {
        instanceKey: b.instanceKey,
        method: b.method,
        attempt: job.attempts,
        kind: apiErr.kind,
        delay: Math.round(delay),
      },
      "green-api retry",
    );
    b.backoffs.set(
      job,
      timers.setTimeout(() => {
        b.backoffs.delete(job);
        requeue(b, job);
      }, delay),
    );
  }

  /** Puts a retried job back at its original place (FIFO by first schedule) in its priority queue. */
  function requeue(b: Bucket, job: Job): void {
    const queue = b.queues[job.priority];
    const at = queue.findIndex((j) => j.seq > job.seq);
    queue.splice(at === -1 ? queue.length : at, 0, job);
    pump(b);
  }

  function emptyBucket(b: Bucket): void {
    b.tat = Math.max(b.tat, now() + b.intervalMs);
  }

  return {
    schedule<T>(
      instanceKey: string,
      method: string,
      priority: Priority,
      fn: () => Promise<T>,
      opts: ScheduleOptions = {},
    ): Promise<T> {
      if (stopped) return Promise.reject(new RateLimiterStoppedError());
      const b = bucketFor(instanceKey, method);
      return new Promise<T>((resolve, reject) => {
        b.queues[priority].push({
          seq: seq++,
          priority,
          fn,
          reject,
          resolve: resolve as (v: unknown) => void,
          enqueuedAt: now(),
          attempts: 0,
          maxAttempts: opts.maxAttempts ?? maxAttempts,
        });
        pump(b);
      });
    },

    observeRateLimit(instanceKey, method, remaining) {
      if (remaining <= 0) emptyBucket(bucketFor(instanceKey, method));
    },

    stats() {
      return [...buckets.values()].map((b) => ({
        instanceKey: b.instanceKey,
        method: b.method,
        rps: b.rps,
        queued: PRIORITIES.reduce((n, p) => n + b.queues[p].length, 0),
        retrying: b.backoffs.size,
        inFlight: b.inFlight,
        sent: b.sent,
        succeeded: b.succeeded,
        failed: b.failed,
        retries: b.retries,
        rateLimited: b.rateLimited,
        avgWaitMs: b.waitCount ? b.waitTotal / b.waitCount : 0,
        maxWaitMs: b.waitMax,
      }));
    },

    stop() {
      stopped = true;
      for (const b of buckets.values()) {
        if (b.timer !== null) timers.clearTimeout(b.timer);
        b.timer = null;
        for (const [job, handle] of b.backoffs) {
          timers.clearTimeout(handle);
          job.reject(new RateLimiterStoppedError());
        }
        b.backoffs.clear();
        for (const p of PRIORITIES) {
          for (const job of b.queues[p]) job.reject(new RateLimiterStoppedError());
          b.queues[p] = [];
        }
      }
    },
  };
}
