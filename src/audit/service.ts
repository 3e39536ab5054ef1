// The audit log: records who did what; callers pass no secrets.
import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { isIP } from "node:net";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema/index.ts";
import type { AuditAction } from "./actions.ts";

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
     * Newest first, filtered by actions and actor (a username); keyset pagination by (at, id): pass the last row's
     * cursor to get the next page.
     */
    async list(
      opts: {
        actions?: readonly AuditAction[];
        actor?: string;
        before?: { at: Date; id: number };
        limit?: number;
      } = {},
    ) {
      const limit = opts.limit ?? 50;
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            opts.actions ? inArray(auditLog.action, [...opts.actions]) : undefined,
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
