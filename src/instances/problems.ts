// What went wrong with a number's Green-API calls, for people: a message key, and a failed call as a code
// (lib/failures.ts) put into the reader's language where it is shown.
import { GreenApiError, type GreenApiErrorKind } from "../greenapi/errors.ts";
import { type CallFailure, callFailureText, codedFailure } from "../lib/failures.ts";
import type { MessageKey, Params, Translate } from "../lib/i18n.ts";

/** A message for the user: a dictionary key and its parameters; `failure` (a coded call failure) fills `{reason}`. */
export interface Problem {
  key: MessageKey;
  params?: Params;
  failure?: string;
}

/** A problem in the reader's language. */
export function describeProblem(t: Translate, problem: Problem): string {
  const { key, params, failure } = problem;
  return t(key, failure === undefined ? params : { ...params, reason: callFailureText(t, failure) });
}

/** What each kind of failed call is for the person; Green-API's own description is kept where it gave one. */
const CALL_FAILURE_OF: Record<GreenApiErrorKind, CallFailure> = {
  unauthorized: "tokenRejected",
  quotaExceeded: "quota",
  badRequest: "refused",
  notFound: "refused",
  server: "notAnswering",
  network: "notAnswering",
  rateLimited: "notAnswering",
  invalidResponse: "unexpected",
};
const DETAILED = new Set<GreenApiErrorKind>(["badRequest", "quotaExceeded"]);

/** A failed Green-API call as a code (lib/failures.ts), rendered in the reader's language where it is shown. */
export function callFailureOf(err: unknown): string {
  if (!(err instanceof GreenApiError)) return codedFailure("unexpected");
  return codedFailure(CALL_FAILURE_OF[err.kind], DETAILED.has(err.kind) ? err.reason : null);
}
