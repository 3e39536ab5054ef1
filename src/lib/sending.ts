// How the outbox retries a send and how a send's failure is stored: a code (plus Green-API's own words), never English.
import { codedFailure, failureText, parseFailure } from "./failures.ts";
import type { Translate } from "./i18n.ts";

/**
 * When a send got no clear answer (Green-API answered 5xx, or nothing), the next attempt comes after these delays:
 * short at first (a brief hiccup costs seconds), then patient (an outage is not hammered). One entry per retry, so a
 * send is tried at most 1 + SEND_RETRY_DELAYS_MS.length times; a retry happens only when Green-API's journal does not
 * show the send (exactly once). After the last retry fails too, the send ends as failed (`greenApiDown`). While the
 * journal cannot be read, nothing is sent again: each due retry waits another round instead (`unconfirmed`), and after
 * the last round the send ends as `unknown` (whether it went out is for a person to check on the phone).
 */
export const SEND_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 40_000, 120_000, 300_000];

/** How long one send attempt waits for Green-API's answer (a file upload gets more, see the outbox). */
export const SEND_TIMEOUT_MS = 15_000;

/** Why a send failed, stored in messages.fail_reason as `code` or `code:Green-API's own description`. */
export const SEND_FAILURES = [
  "greenApiDown",
  "unconfirmed",
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
  return codedFailure(code, detail);
}

/** A stored failure in the reader's language; an unknown value (English text of old rows) is shown as is. */
export function sendFailureText(t: Translate, stored: string | null): string {
  return failureText(t, SEND_FAILURES, "send.failure", stored);
}

/**
 * What a send still on its way is doing, in words: sending; waiting to retry after Green-API did not answer; checking
 * Green-API's journal (the retry's time has come); or waiting for the next check when the journal could not be read.
 */
export function sendProgressText(
  t: Translate,
  m: { status: string | null; attempts: number; nextAttemptAt: Date | null; failReason: string | null },
  now: Date,
): string | null {
  if (m.status !== "queued" && m.status !== "sending") return null;
  const code = m.attempts > 0 ? parseFailure(SEND_FAILURES, m.failReason)?.code : undefined;
  if (code !== "greenApiDown" && code !== "unconfirmed") return t("send.sending");
  const counts = { attempt: m.attempts, total: SEND_RETRY_DELAYS_MS.length };
  const last = m.attempts > SEND_RETRY_DELAYS_MS.length;
  const left = m.nextAttemptAt ? Math.ceil((m.nextAttemptAt.getTime() - now.getTime()) / 1000) : 0;
  if (left <= 0 || (last && code === "greenApiDown")) return t("send.checking");
  const wait = left < 60 ? t("send.wait.seconds", { n: left }) : t("send.wait.minutes", { n: Math.ceil(left / 60) });
  if (code === "unconfirmed")
    return last ? t("send.unconfirmedLast", { wait }) : t("send.unconfirmed", { wait, ...counts });
  return t("send.retrying", { wait, ...counts });
}
