// The one door to Green-API: a cached client per instance, every call paced by the rate limiter.
import type { Logger } from "../lib/log.ts";
import { createGreenApiClient, type GreenApiClient } from "./client.ts";
import { GreenApiError } from "./errors.ts";
import type { Priority, RateLimiter, ScheduleOptions } from "./rate-limiter.ts";

/** What the gateway needs of an instance row. */
export interface InstanceCredentials {
  id: number;
  idInstance: number;
  apiToken: string;
  apiUrl: string;
  mediaUrl: string;
}

export interface Gateway {
  /** Runs `fn` with the instance's client when the (instance, method) bucket allows it. */
  call<T>(
    instance: InstanceCredentials,
    method: string,
    priority: Priority,
    fn: (client: GreenApiClient) => Promise<T>,
    options?: ScheduleOptions,
  ): Promise<T>;
  forget(instanceId: number): void;
  readonly limiter: RateLimiter;
}

export interface GatewayOptions {
  limiter: RateLimiter;
  log: Logger;
  fetch?: typeof fetch;
  /** Called when Green-API answers 466 (monthly quota): the instance shows it to users. */
  onQuotaExceeded?: (instanceId: number, reason: string) => void;
}

/** Green-API limits per idInstance, so the buckets are keyed by it (not by our row id). */
const bucketKey = (instance: InstanceCredentials) => String(instance.idInstance);

export function createGateway(opts: GatewayOptions): Gateway {
  const clients = new Map<number, { key: string; client: GreenApiClient }>();

  function clientFor(instance: InstanceCredentials): GreenApiClient {
    const key = `${instance.apiUrl}|${instance.mediaUrl}|${instance.idInstance}|${instance.apiToken}`;
    const cached = clients.get(instance.id);
    if (cached?.key === key) return cached.client;
    const client = createGreenApiClient({
      apiUrl: instance.apiUrl,
      mediaUrl: instance.mediaUrl,
      idInstance: instance.idInstance,
      apiTokenInstance: instance.apiToken,
      fetch: opts.fetch,
      log: opts.log.child({ instanceId: instance.id }),
      onRateLimit: (info) => opts.limiter.observeRateLimit(bucketKey(instance), info.method, info.remaining),
    });
    clients.set(instance.id, { key, client });
    return client;
  }

  return {
    limiter: opts.limiter,
    async call(instance, method, priority, fn, options) {
      try {
        return await opts.limiter.schedule(
          bucketKey(instance),
          method,
          priority,
          () => fn(clientFor(instance)),
          options,
        );
      } catch (err) {
        if (err instanceof GreenApiError && err.kind === "quotaExceeded")
          opts.onQuotaExceeded?.(instance.id, err.reason);
        throw err;
      }
    },
    forget(instanceId) {
      clients.delete(instanceId);
    },
  };
}
