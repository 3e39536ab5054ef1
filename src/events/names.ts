// Every event name the hub carries, in one place.
export const EVENTS = {
  /** A user's permissions or account changed: their open pages should refresh. */
  userChanged: "user.changed",
  /** Sessions ended (logout, "log out everywhere"): `data.sessionId` ends one, `data.allExcept` all but one (or all when null). */
  sessionsEnded: "sessions.ended",
  instanceChanged: "instance.changed",
  chatUpdated: "chat.updated",
  messageCreated: "message.created",
  messageUpdated: "message.updated",
  /** Text notice for one user (flash over SSE). */
  notice: "notice",
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
