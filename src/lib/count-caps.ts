// Where counts stop: the queries stop counting there (a huge backlog costs no more than a small one), the pages show "99+".

/** Unread counts stop at this many (shown as "99+"). */
export const UNREAD_CAP = 100;

/** The chat list's tab counts stop at this many (shown as "999+"). */
export const TAB_COUNT_CAP = 1000;
