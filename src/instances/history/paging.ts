// How one chat's history is read: getChatHistory has no cursor (it answers the newest `count` messages, newest first),
// so the import asks again with a larger `count` until an answer holds fewer than asked, or the cap is reached.

/** The first `count` asked of a chat (Green-API's default). */
export const FIRST_COUNT = 100;

/**
 * At most this many messages are imported per chat (the newest ones). A chat that has more is marked on the import's
 * panel; every answer of a capped chat carries the same 10 000 newest messages, so asking on would only grow the answer.
 */
export const CHAT_CAP = 10_000;

/** The `count` to ask after an answer that was full: doubled (a chat of n messages takes about log2(n / 100) calls), at most the cap. */
export function nextCount(asked: number): number {
  return Math.min(CHAT_CAP, Math.max(FIRST_COUNT, asked * 2));
}

/** The `count` of a chat's next call, given the last one asked of it (0: none yet, as after a restart on a fresh chat). */
export function resumeCount(lastAsked: number): number {
  return lastAsked > 0 ? nextCount(lastAsked) : FIRST_COUNT;
}

/** Whether an answer of `got` messages to `asked` leaves older messages to ask for: it was full and the cap is not reached. */
export function hasMore(asked: number, got: number): boolean {
  return got >= asked && asked < CHAT_CAP;
}
