// One Green-API HTTP round trip: URL, status check before parsing, zod validation, token-safe errors, logs and metrics.
import type { z } from "zod";
import type { Logger } from "../lib/log.ts";
import { metrics } from "../metrics/index.ts";
import { GreenApiError, kindForStatus, scrubSecret, type GreenApiErrorKind } from "./errors.ts";
import { summarizeIssues } from "./messages.ts";
import { errorBodySchema, quotaBodySchema } from "./schemas.ts";

/** What the server said about the method's rate-limit bucket on one answer. */
export interface RateLimitInfo {
  method: string;
  remaining: number;
  replenishRate: number | null;
}

export interface TransportOptions {
  apiUrl: string;
  mediaUrl: string;
  idInstance: number | string;
  apiTokenInstance: string;
  fetch?: typeof fetch;
  log?: Logger;
  /** Per-request timeout; long polls add their receiveTimeout on top. Default 30 s. */
  timeoutMs?: number;
  /** Called for every answer carrying `X-RateLimit-Remaining` (successes and errors alike). */
  onRateLimit?: (info: RateLimitInfo) => void;
}

export interface CallSpec<S extends z.ZodType> {
  method: string;
  verb: "GET" | "POST" | "DELETE";
  schema: S;
  host?: "api" | "media";
  /** Extra path segment after the token (deleteNotification's receiptId). */
  suffix?: string;
  query?: Record<string, number | undefined>;
  json?: unknown;
  form?: FormData;
  extraTimeoutMs?: number;
  /** Replaces the client's timeout for this call. */
  timeoutMs?: number;
  /** The method answers 200 with an empty body on success (deleteMessage): read it as `{}`. */
  emptyBody?: boolean;
}

export type Call = <S extends z.ZodType>(spec: CallSpec<S>) => Promise<z.output<S>>;

/** Builds the `call` function shared by all client methods. */
export function createTransport(options: TransportOptions): Call {
  const doFetch = options.fetch ?? fetch;
  const token = options.apiTokenInstance;
  const base = { api: trimSlash(options.apiUrl), media: trimSlash(options.mediaUrl) };
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async function call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const started = performance.now();
    const fail = (kind: GreenApiErrorKind, status: number | null, reason: string, remaining: number | null = null) => {
      const err = new GreenApiError({
        method: spec.method,
        status,
        kind,
        reason: scrubSecret(reason, token),
        rateLimitRemaining: remaining,
      });
      const level = kind === "rateLimited" ? "debug" : "warn";
      options.log?.[level](
        { method: spec.method, status, kind, reason: err.reason, ms: elapsed(started) },
        "green-api call failed",
      );
      return err;
    };

    let url = `${base[spec.host ?? "api"]}/waInstance${options.idInstance}/${spec.method}/${token}`;
    if (spec.suffix !== undefined) url += `/${encodeURIComponent(spec.suffix)}`;
    const query = Object.entries(spec.query ?? {}).filter(([, v]) => v !== undefined);
    if (query.length) url += `?${query.map(([k, v]) => `${k}=${v}`).join("&")}`;

    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method: spec.verb,
        headers: spec.json === undefined ? undefined : { "Content-Type": "application/json" },
        body: spec.form ?? (spec.json === undefined ? undefined : JSON.stringify(spec.json)),
        signal: AbortSignal.timeout((spec.timeoutMs ?? timeoutMs) + (spec.extraTimeoutMs ?? 0)),
      });
      text = await res.text();
    } catch (e) {
      metrics.greenApi.record(spec.method, "error", (performance.now() - started) / 1000);
      // Runtime errors carry the full URL (Bun puts it in `path`): keep only the error code or name.
      throw fail("network", null, networkReason(e));
    }
    metrics.greenApi.record(spec.method, String(res.status), (performance.now() - started) / 1000);

    const remaining = headerNumber(res, "x-ratelimit-remaining");
    if (remaining !== null) {
      options.onRateLimit?.({
        method: spec.method,
        remaining,
        replenishRate: headerNumber(res, "x-ratelimit-replenish-rate"),
      });
    }
    if (res.status !== 200) throw fail(kindForStatus(res.status), res.status, errorReason(res.status, text), remaining);

    let data: unknown;
    try {
      data = spec.emptyBody && text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      throw fail("invalidResponse", 200, text === "" ? "empty body" : "body is not JSON", remaining);
    }
    const parsed = spec.schema.safeParse(data);
    if (!parsed.success)
      throw fail("invalidResponse", 200, `unexpected shape: ${summarizeIssues(parsed.error)}`, remaining);
    options.log?.debug(
      { method: spec.method, status: 200, ms: elapsed(started), rateLimitRemaining: remaining },
      "green-api call",
    );
    return parsed.data;
  };
}

function errorReason(status: number, text: string): string {
  if (status === 401) return "apiTokenInstance rejected";
  if (status === 403) return "idInstance does not match this host";
  if (status === 404) return "unknown method or wrong HTTP verb";
  if (status === 405) return "method temporarily disabled";
  if (status === 429) return "rate limit exceeded";
  const body = safeJson(text);
  if (status === 466) {
    const quota = quotaBodySchema.safeParse(body);
    if (!quota.success) return "quota exceeded";
    const hit = quota.data.correspondentsStatus ?? quota.data.invokeStatus;
    return `${hit.status} (${hit.method})${hit.description ? `: ${hit.description}` : ""}`;
  }
  const message = errorBodySchema.safeParse(body);
  if (message.success) return message.data.message;
  return status >= 500 ? `server error ${status}` : `HTTP ${status}`;
}

function networkReason(e: unknown): string {
  if (e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError")) return "request timed out";
  const code = typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
  return code ? `connection failed (${code})` : `connection failed (${e instanceof Error ? e.name : "unknown"})`;
}

function headerNumber(res: Response, name: string): number | null {
  const value = res.headers.get(name);
  if (value === null || value.trim() === "") return null;
  const n = Number(value.replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
