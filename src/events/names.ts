// Every event name the hub carries, in one place.
export const EVENTS = {
  /** A user's permissions or account changed: their open pages should refresh. */
  userChanged: "user.changed",
  /** Sessions ended (logout, "log out everywhere"): `data.sessionId` ends one, `data.allExcept` all but one (or all when null). */
  sessionsEnded: "sessions.ended",
  instanceChanged: "instance.changed",
  /** Someone's account, rights, sessions or sign-ins changed: open users pages re-fetch their list. */
  usersChanged: "users.changed",
  chatUpdated: "chat.updated",
  messageCreated: "message.created",
  messageUpdated: "message.updated",
  /** A user has a conversation open ("who is viewing"). */
  chatViewing: "chat.viewing",
  /** A chat's state, assignee or labels changed (team workflow): chat-list tab counts and open assignment bars refresh. */
  teamTabs: "team.tabs",
  /** Text notice for one user (flash over SSE). */
  notice: "notice",
} as const;

/** Events between the app's own services (and processes) that no browser needs: never written to SSE streams. */
export const SERVER_EVENTS: ReadonlySet<string> = new Set([EVENTS.chatViewing]);

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
