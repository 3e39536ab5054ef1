// The audit log: records who did what; callers pass no secrets.
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { isIP } from "node:net";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema/index.ts";

export type AuditAction =
  | "auth.login"
  | "auth.loginFailed"
  | "auth.loginLocked"
  | "auth.logout"
  | "auth.setup"
  | "auth.codeSent"
  | "auth.codeFailed"
  | "auth.linkRequired"
  | "sessions.endedOthers"
  | "sessions.endedAllForUser"
  | "user.created"
  | "user.updated"
  | "user.passwordChanged"
  | "user.passwordChangeFailed"
  | "sessions.endedOne"
  | "user.localeChanged"
  | "user.telegramUnlinked"
  | "user.telegramLinked"
  | "user.telegramMoved"
  | "instance.created"
  | "instance.updated"
  | "instance.deleted"
  | "instance.loggedOut"
  | "instance.rebooted"
  | "backup.created"
  | "backup.restored"
  | "backup.downloaded"
  | "message.edited"
  | "message.deleted"
  | "chat.taken"
  | "chat.assigned"
  | "chat.transferred"
  | "chat.unassigned";

export interface AuditEntry {
  action: AuditAction;
  userId?: number | null;
  actor?: string | null;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** `onRecord` hears of every entry once it is stored (the users page refreshes itself from it). */
export function createAuditService(db: Db, onRecord: (entry: AuditEntry) => void = () => {}) {
  return {
    /**
     * Newest first, filtered by action prefix ("auth", "user.created") and actor; keyset pagination by (at, id):
     * pass the last row's cursor to get the next page.
     */
    async list(opts: { action?: string; actor?: string; before?: { at: Date; id: number }; limit?: number } = {}) {
      const limit = opts.limit ?? 50;
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            opts.action
              ? or(
                  eq(auditLog.action, opts.action),
                  sql`${auditLog.action} like ${`${opts.action.replace(/[%_\\]/g, "")}.%`}`,
                )
              : undefined,
            opts.actor ? sql`lower(${auditLog.actor}) = ${opts.actor.toLowerCase()}` : undefined,
            opts.before
              ? or(
                  lt(auditLog.at, opts.before.at),
                  and(eq(auditLog.at, opts.before.at), lt(auditLog.id, opts.before.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(limit + 1);
      return { rows: rows.slice(0, limit), more: rows.length > limit };
    },

    /** Deletes entries older than the retention period; returns how many. */
    async prune(retentionDays: number): Promise<number> {
      const deleted = await db
        .delete(auditLog)
        .where(lt(auditLog.at, sql`now() - make_interval(days => ${retentionDays}::int)`))
        .returning({ id: auditLog.id });
      return deleted.length;
    },

    async record(entry: AuditEntry): Promise<void> {
      await db.insert(auditLog).values({
        action: entry.action,
        userId: entry.userId ?? null,
        actor: entry.actor ?? null,
        target: entry.target ?? null,
        // Only an IP address is kept ("unknown" and anything a client could have typed are not).
        ip: entry.ip && isIP(entry.ip) ? entry.ip : null,
        details: entry.details ?? null,
      });
      onRecord(entry);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
