// Calls to an outside API (Green-API, Telegram's Bot API): requests by method and status, latency and 429s by method.
import { Counter, Histogram, type Registry } from "prom-client";

export interface OutboundMetrics {
  /**
   * Records one HTTP round trip. `method` is the API method (a fixed set named in code: never a URL or token);
   * `status` the HTTP status code, or a word such as "ok" or "error" (no answer at all).
   */
  record(method: string, status: string, seconds: number): void;
}

export interface OutboundOptions {
  api: "greenapi" | "telegram";
  /** The API's name in help texts. */
  title: string;
  /** What `status` holds, for the help text. */
  statusHelp: string;
  buckets: readonly number[];
}

export function outboundMetrics(
  registry: Registry,
  { api, title, statusHelp, buckets }: OutboundOptions,
): OutboundMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: `greeninbox_${api}_requests_total`,
    help: `${title} requests by method and status (${statusHelp})`,
    labelNames: ["method", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: `greeninbox_${api}_request_duration_seconds`,
    help: `${title} request latency by method (long polls last up to their timeout)`,
    labelNames: ["method"] as const,
    buckets: [...buckets],
    registers,
  });
  const rateLimited = new Counter({
    name: `greeninbox_${api}_rate_limited_total`,
    help: `${title} requests answered 429 (rate limit), by method`,
    labelNames: ["method"] as const,
    registers,
  });
  return {
    record(method, status, seconds) {
      requests.inc({ method, status });
      duration.observe({ method }, seconds);
      // Adding 0 creates a method's series at its first call, so increase() sees its first 429 too.
      rateLimited.inc({ method }, status === "429" ? 1 : 0);
    },
  };
}
