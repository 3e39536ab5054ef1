// Every Bot API call counted and timed: a grammY API transformer feeding the telegram metrics families.
import type { Transformer } from "grammy";
import { metrics } from "../metrics/index.ts";

/** Install first (innermost): it then sees each HTTP round trip, retries included, without the throttler's waits. */
export const countCalls: Transformer = async (prev, method, payload, signal) => {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const res = await prev(method, payload, signal);
    metrics.telegram.record(method, res.ok ? "ok" : String(res.error_code), seconds());
    return res;
  } catch (err) {
    // No answer: network failure, timeout, or a body that is not the Bot API's JSON.
    metrics.telegram.record(method, "error", seconds());
    throw err;
  }
};
