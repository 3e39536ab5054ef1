// What the intake does with a notification whose handlers failed: the attempt is counted (unless the database itself
// was away) and the row quarantined at the last one; retries back off exponentially.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sqlState } from "../db/errors.ts";
import { notifications } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { metrics } from "../metrics/index.ts";
import { MAX_ATTEMPTS } from "./quarantine.ts";

/** A notification whose processing failed is tried again after this long, doubling up to RETRY_MAX_MS (MAX_ATTEMPTS in all). */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 5 * 60_000;

/** When each failed row may be tried again (the leader's sweep skips it until then). */
export function createRetryBackoff() {
  const retryAt = new Map<number, { at: number; delay: number }>();
  return {
    /** Whether the row waits for its retry now. */
    waiting: (id: number) => (retryAt.get(id)?.at ?? 0) > Date.now(),
    /** The row failed again: its wait doubles. */
    failed(id: number) {
      const delay = Math.min(RETRY_MAX_MS, (retryAt.get(id)?.delay ?? RETRY_FIRST_MS / 2) * 2);
      retryAt.set(id, { at: Date.now() + delay, delay });
    },
    forget: (id: number) => void retryAt.delete(id),
    clear: () => retryAt.clear(),
  };
}

/**
 * Counts a failed attempt (not when the database itself was away: that is no fault of the notification's) and
 * quarantines the row at the last one; a row already quarantined (being reprocessed) stays so. Whether it is settled.
 */
export async function recordFailure(
  db: Db,
  log: Logger,
  row: { id: number; instanceId: number },
  err: unknown,
): Promise<boolean> {
  const counted = !transient(err);
  const reason = String((err as Error)?.message ?? err).slice(0, 500);
  try {
    const [after] = await db
      .update(notifications)
      .set({
        error: reason,
        ...(counted && {
          attempts: sql`${notifications.attempts} + 1`,
          quarantinedAt: sql`coalesce(${notifications.quarantinedAt}, case when ${notifications.attempts} + 1 >= ${MAX_ATTEMPTS} then now() end)`,
        }),
      })
      .where(eq(notifications.id, row.id))
      .returning({ attempts: notifications.attempts, quarantinedAt: notifications.quarantinedAt });
    if (after?.quarantinedAt) {
      if (after.attempts === MAX_ATTEMPTS) metrics.notificationsQuarantined.inc({ reason: "failed" });
      log.warn(
        { err, notificationId: row.id, instanceId: row.instanceId, attempts: after.attempts },
        "notification handler failed; quarantined",
      );
      return true;
    }
    log.error(
      { err, notificationId: row.id, instanceId: row.instanceId, attempts: after?.attempts },
      "notification handler failed; kept for retry",
    );
  } catch (e) {
    log.error(
      { err, recordErr: String(e), notificationId: row.id, instanceId: row.instanceId },
      "notification handler failed; kept for retry (the failure could not be recorded)",
    );
  }
  return false;
}

/** A failure of the database's availability (connection, restart, deadlock, resources), not of the notification. */
function transient(err: unknown): boolean {
  const code = sqlState(err);
  // SQLSTATE classes 08 connection, 40 rollback (deadlock, serialization), 53 resources, 57 operator intervention,
  // 58 system; postgres.js's CONNECTION_* / CONNECT_TIMEOUT and the socket's E* codes.
  return code !== undefined && /^(08|40|53|57|58|CONNECT|E[A-Z]+$)/.test(code);
}
