// Flood control of the fake: sliding windows for all sends, per chat and per group/channel; rejected sends are violations.

/** Telegram's published guidance (Bot FAQ): ≈30 msg/s overall, ≈1 msg/s per chat, ≤20 msg/min into one group or channel. */
export interface Limits {
  globalCount: number;
  globalWindowMs: number;
  chatCount: number;
  chatWindowMs: number;
  groupCount: number;
  groupWindowMs: number;
  /** Share of each window forgiven for timer jitter ("bursts tolerated"): 0.1 checks 90% of the window. */
  slack: number;
  /** Transit jitter forgiven on top, in ms: it does not shrink with timeScale. */
  jitterMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  globalCount: 30,
  globalWindowMs: 1000,
  chatCount: 1,
  chatWindowMs: 1000,
  groupCount: 20,
  groupWindowMs: 60_000,
  slack: 0.1,
  jitterMs: 40,
};

export interface LimitDecision {
  allowed: boolean;
  /** Whole seconds to wait (retry_after) when refused. */
  retryAfter: number;
}

export interface Limiter {
  /** Counts one message into `chatId` (negative ids are groups and channels). */
  take(chatId: number): LimitDecision;
  violations(): number;
}

export function createLimiter(limits: Limits, timeScale = 1, now: () => number = Date.now): Limiter {
  const windows = new Map<string, number[]>();
  let violations = 0;
  const rules = (chatId: number) => [
    { key: "global", count: limits.globalCount, ms: limits.globalWindowMs },
    { key: `chat:${chatId}`, count: limits.chatCount, ms: limits.chatWindowMs },
    ...(chatId < 0 ? [{ key: `group:${chatId}`, count: limits.groupCount, ms: limits.groupWindowMs }] : []),
  ];
  return {
    take(chatId) {
      const t = now();
      let waitMs = 0;
      const checked = rules(chatId).map((rule) => {
        const span = Math.max(1, rule.ms * timeScale * (1 - limits.slack) - limits.jitterMs);
        const list = (windows.get(rule.key) ?? []).filter((at) => at > t - span);
        windows.set(rule.key, list);
        if (list.length >= rule.count) waitMs = Math.max(waitMs, list[list.length - rule.count]! + span - t);
        return list;
      });
      if (waitMs > 0) {
        violations++;
        return { allowed: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
      for (const list of checked) list.push(t);
      return { allowed: true, retryAfter: 0 };
    },
    violations: () => violations,
  };
}
