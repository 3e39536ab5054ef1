// Failures stored and passed around as codes — `code`, or `code:<Green-API's own description>` — and put into words in
// the reader's language only when shown. Send failures (./sending.ts) and failed Green-API calls (below) share it.
import { isMessageKey, type Translate } from "./i18n.ts";

/** The stored form of a failure: its code, and Green-API's description when it gave one. */
export function codedFailure(code: string, detail?: string | null): string {
  return (detail ? `${code}:${detail}` : code).slice(0, 500);
}

/** A stored failure of one of `codes` read back; null for anything else (e.g. English text of older rows). */
export function parseFailure<C extends string>(
  codes: readonly C[],
  stored: string | null,
): { code: C; detail: string | null } | null {
  if (!stored) return null;
  const colon = stored.indexOf(":");
  const code = colon < 0 ? stored : stored.slice(0, colon);
  if (!(codes as readonly string[]).includes(code)) return null;
  return { code: code as C, detail: colon < 0 ? null : stored.slice(colon + 1) };
}

/**
 * A stored failure in the reader's language: the message `${prefix}.${code}`, with the detail quoted through
 * `${prefix}.detail`. An unknown value (English text stored before codes) is shown as is.
 */
export function failureText(t: Translate, codes: readonly string[], prefix: string, stored: string | null): string {
  const failure = parseFailure(codes, stored);
  const key = failure && `${prefix}.${failure.code}`;
  const detailKey = `${prefix}.detail`;
  if (!failure || !key || !isMessageKey(key) || !isMessageKey(detailKey)) return stored ?? "?";
  const reason = t(key);
  return failure.detail ? t(detailKey, { reason, detail: failure.detail }) : reason;
}

/** Why a Green-API call other than a send failed (applying settings, a history import). */
export const CALL_FAILURES = ["notAnswering", "refused", "tokenRejected", "quota", "unexpected"] as const;
export type CallFailure = (typeof CALL_FAILURES)[number];

/** A failed Green-API call (stored, or in a Problem) in the reader's language; old English text is shown as is. */
export function callFailureText(t: Translate, stored: string | null): string {
  return failureText(t, CALL_FAILURES, "callFailure", stored);
}
