// How the outbox retries a send and how a send's failure is stored: a code (plus Green-API's own words), never English.
import { isMessageKey, type Translate } from "./i18n.ts";

/**
 * When a send got no clear answer (Green-API answered 5xx, or nothing), the next attempt comes after these delays:
 * short at first (a brief hiccup costs seconds), then patient (an outage is not hammered). One entry per retry, so a
 * send is tried at most 1 + SEND_RETRY_DELAYS_MS.length times; a retry happens only when Green-API's journal does not
 * show the send (exactly once). After the last retry fails too, the send ends as failed (`greenApiDown`).
 */
export const SEND_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 40_000, 120_000, 300_000];

/** How long one send attempt waits for Green-API's answer (a file upload gets more, see the outbox). */
export const SEND_TIMEOUT_MS = 15_000;

/** Why a send failed, stored in messages.fail_reason as `code` or `code:Green-API's own description`. */
export const SEND_FAILURES = [
  "greenApiDown",
  "instanceGone",
  "captionTooLong",
  "fileGone",
  "empty",
  "badRequest",
  "unauthorized",
  "notFound",
  "quota",
  "notDelivered",
  "noAccount",
  "notInGroup",
  "yellowCard",
] as const;
export type SendFailure = (typeof SEND_FAILURES)[number];

/** The stored form of a failure: its code, and Green-API's description when it gave one. */
export function sendFailure(code: SendFailure, detail?: string | null): string {
  return (detail ? `${code}:${detail}` : code).slice(0, 500);
}

/** A stored failure read back; null for anything else (rows from before codes hold English text, shown as is). */
function parseSendFailure(stored: string | null): { code: SendFailure; detail: string | null } | null {
  if (!stored) return null;
  const colon = stored.indexOf(":");
  const code = colon < 0 ? stored : stored.slice(0, colon);
  if (!(SEND_FAILURES as readonly string[]).includes(code)) return null;
  return { code: code as SendFailure, detail: colon < 0 ? null : stored.slice(colon + 1) };
}

/** A stored failure in the reader's language; an unknown value (English text of old rows) is shown as is. */
export function sendFailureText(t: Translate, stored: string | null): string {
  const failure = parseSendFailure(stored);
  const key = failure && `send.failure.${failure.code}`;
  if (!failure || !key || !isMessageKey(key)) return stored ?? "?";
  const reason = t(key);
  return failure.detail ? t("send.failure.detail", { reason, detail: failure.detail }) : reason;
}

/** What a send still on its way is doing, in words: sending, or waiting to retry after Green-API did not answer. */
export function sendProgressText(
  t: Translate,
  m: { status: string | null; attempts: number; nextAttemptAt: Date | null; failReason: string | null },
  now: Date,
): string | null {
  if (m.status !== "queued" && m.status !== "sending") return null;
  const waiting = m.attempts > 0 && parseSendFailure(m.failReason)?.code === "greenApiDown";
  if (!waiting) return t("send.sending");
  if (m.attempts > SEND_RETRY_DELAYS_MS.length) return t("send.checking");
  const counts = { attempt: m.attempts, total: SEND_RETRY_DELAYS_MS.length };
  const left = m.nextAttemptAt ? Math.ceil((m.nextAttemptAt.getTime() - now.getTime()) / 1000) : 0;
  if (left <= 0) return t("send.retryingNow", counts);
  const wait = left < 60 ? t("send.wait.seconds", { n: left }) : t("send.wait.minutes", { n: Math.ceil(left / 60) });
  return t("send.retrying", { wait, ...counts });
}
