// The audit log: records who did what; callers pass no secrets.
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema/index.ts";

export type AuditAction =
  | "auth.login"
  | "auth.loginFailed"
  | "auth.loginLocked"
  | "auth.logout"
  | "auth.setup"
  | "sessions.endedOthers"
  | "sessions.endedAllForUser"
  | "user.created"
  | "user.updated"
  | "user.passwordChanged"
  | "user.passwordChangeFailed"
  | "sessions.endedOne"
  | "user.localeChanged"
  | "instance.created"
  | "instance.updated"
  | "instance.deleted"
  | "instance.loggedOut"
  | "instance.rebooted";

export interface AuditEntry {
  action: AuditAction;
  userId?: number | null;
  actor?: string | null;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export function createAuditService(db: Db) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      await db.insert(auditLog).values({
        action: entry.action,
        userId: entry.userId ?? null,
        actor: entry.actor ?? null,
        target: entry.target ?? null,
        ip: entry.ip ?? null,
        details: entry.details ?? null,
      });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
