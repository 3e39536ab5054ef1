// Outgoing flood control for the throttler plugin, shaped so no sliding window of Telegram's limits is ever exceeded.
import type { APIThrottlerOptions } from "@grammyjs/transformer-throttler";

/**
 * Bottleneck settings for `apiThrottler`: ≤30 calls/s overall (evenly spaced), 1/s per private chat, and per group or
 * channel a burst of 5 then one every 4 s, so any 60 s holds at most 20. The plugin's defaults (a reservoir of 20 reset
 * every minute) can put 40 messages into one sliding minute. `timeScale` < 1 shortens every interval (tests only).
 */
export function throttlerOptions(timeScale = 1): APIThrottlerOptions {
  const ms = (n: number) => n * timeScale;
  return {
    global: { minTime: ms(1000 / 29) },
    group: {
      maxConcurrent: 1,
      minTime: ms(1000),
      reservoir: 5,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: ms(4000),
      reservoirIncreaseMaximum: 5,
    },
    out: { maxConcurrent: 1, minTime: ms(1000) },
  };
}
