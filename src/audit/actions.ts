// Every action the audit log records, by the group the filter offers it under; the codes are stored, the words are not.

/** The filter's groups in the order shown, each with its actions; an action belongs to exactly one group. */
export const AUDIT_GROUPS = {
  signins: [
    "auth.login",
    "auth.loginFailed",
    "auth.loginLocked",
    "auth.logout",
    "auth.setup",
    "auth.codeSent",
    "auth.codeFailed",
    "auth.linkRequired",
  ],
  users: [
    "user.created",
    "user.updated",
    "user.passwordChanged",
    "user.passwordChangeFailed",
    "user.localeChanged",
    "user.telegramLinked",
    "user.telegramMoved",
    "user.telegramUnlinked",
    "sessions.endedOne",
    "sessions.endedOthers",
    "sessions.endedAllForUser",
  ],
  numbers: ["instance.created", "instance.updated", "instance.deleted", "instance.loggedOut", "instance.rebooted"],
  conversations: [
    "chat.taken",
    "chat.assigned",
    "chat.transferred",
    "chat.unassigned",
    "message.edited",
    "message.deleted",
  ],
  backups: ["backup.created", "backup.downloaded", "backup.restored"],
} as const;

export type AuditGroup = keyof typeof AUDIT_GROUPS;
/** An action code as stored in audit_log.action; `record` takes nothing else. */
export type AuditAction = (typeof AUDIT_GROUPS)[AuditGroup][number];

export const AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AUDIT_GROUPS).flat();

function isAuditGroup(value: string): value is AuditGroup {
  return Object.hasOwn(AUDIT_GROUPS, value);
}

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** The filter's words before the groups (links may still carry them), each read as the group that holds it now. */
const OLD_FILTERS: Record<string, AuditGroup> = {
  auth: "signins",
  user: "users",
  sessions: "users",
  instance: "numbers",
  chat: "conversations",
  message: "conversations",
  backup: "backups",
};

/** A filter value as the page understands it: a group, one action, or nothing (anything else). */
export function auditFilter(value: string | undefined): AuditGroup | AuditAction | undefined {
  if (!value) return undefined;
  if (isAuditGroup(value) || isAuditAction(value)) return value;
  return Object.hasOwn(OLD_FILTERS, value) ? OLD_FILTERS[value] : undefined;
}

/** The actions a filter value selects (all when none). */
export function filterActions(filter: AuditGroup | AuditAction | undefined): readonly AuditAction[] | undefined {
  if (!filter) return undefined;
  return isAuditGroup(filter) ? AUDIT_GROUPS[filter] : [filter];
}
