// GreenApiError: one typed, token-free error for every way a Green-API call can fail.
export type GreenApiErrorKind =
  | "unauthorized"
  | "rateLimited"
  | "quotaExceeded"
  | "badRequest"
  | "server"
  | "network"
  | "invalidResponse"
  | "notFound";

export interface GreenApiErrorInit {
  method: string;
  /** HTTP status, or null when no answer arrived (network error, timeout). */
  status: number | null;
  kind: GreenApiErrorKind;
  /** User-safe explanation; never contains the token. */
  reason: string;
  rateLimitRemaining?: number | null;
}

/** A failed Green-API call. Message, fields and stack never contain the apiTokenInstance. */
export class GreenApiError extends Error {
  override readonly name = "GreenApiError";
  readonly method: string;
  readonly status: number | null;
  readonly kind: GreenApiErrorKind;
  readonly reason: string;
  /** `X-RateLimit-Remaining` of the failed answer, when the server sent one. */
  readonly rateLimitRemaining: number | null;

  constructor(init: GreenApiErrorInit) {
    const http = init.status === null ? "" : ` (HTTP ${init.status})`;
    super(`Green-API ${init.method} failed: ${init.kind}${http}: ${init.reason}`);
    this.method = init.method;
    this.status = init.status;
    this.kind = init.kind;
    this.reason = init.reason;
    this.rateLimitRemaining = init.rateLimitRemaining ?? null;
  }

  /** Worth retrying later: rate limit, network failure or a 5xx. */
  get retryable(): boolean {
    return this.kind === "rateLimited" || this.kind === "network" || this.kind === "server";
  }
}

/** Maps a non-200 HTTP status to an error kind (400 and 466 are handled with their bodies). */
export function kindForStatus(status: number): GreenApiErrorKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404 || status === 405) return "notFound";
  if (status === 429) return "rateLimited";
  if (status === 466) return "quotaExceeded";
  if (status >= 500) return "server";
  return "badRequest";
}

/** Removes the token and any `/waInstance…/method/<token>` path from text that came from outside. */
export function scrubSecret(text: string, token: string): string {
  const withoutToken = token ? text.split(token).join("[redacted]") : text;
  return withoutToken.replace(/(\/waInstance\d+\/[^/\s"']+\/)[^/\s"'?]+/gi, "$1[redacted]");
}
