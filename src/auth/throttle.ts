// Login throttling per username and per IP, counted in the database so a restart does not reset it.
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loginThrottle } from "../db/schema/index.ts";

export interface ThrottleOptions {
  maxFailures: number;
  lockMinutes: number;
  /** Failures allowed per IP before it is locked (an office shares one address). */
  maxFailuresPerIp?: number;
  now?: () => number;
}

export interface Throttle {
  /** Returns the time the sign-in is locked until, or null when it may proceed. */
  lockedUntil(username: string, ip: string): Promise<Date | null>;
  recordFailure(username: string, ip: string): Promise<Date | null>;
  recordSuccess(username: string): Promise<void>;
}

const userKey = (u: string) => `user:${u.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

export function createThrottle(db: Db, opts: ThrottleOptions): Throttle {
  const now = opts.now ?? Date.now;
  const limits = (key: string) =>
    key.startsWith("ip:") ? (opts.maxFailuresPerIp ?? opts.maxFailures * 4) : opts.maxFailures;
  const lockMs = opts.lockMinutes * 60_000;

  async function bump(key: string): Promise<Date | null> {
    const at = new Date(now());
    const atSql = sql`${at.toISOString()}::timestamptz`;
    // A lock that has run out starts a fresh count.
    const [row] = await db
      .insert(loginThrottle)
      .values({ key, failures: 1, updatedAt: at })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.lockedUntil} is not null and ${loginThrottle.lockedUntil} <= ${atSql} then 1 else ${loginThrottle.failures} + 1 end`,
          lockedUntil: sql`case when ${loginThrottle.lockedUntil} <= ${atSql} then null else ${loginThrottle.lockedUntil} end`,
          updatedAt: at,
        },
      })
      .returning();
    if (row && row.failures >= limits(key)) {
      const until = new Date(now() + lockMs);
      await db.update(loginThrottle).set({ lockedUntil: until, failures: 0 }).where(eq(loginThrottle.key, key));
      return until;
    }
    return null;
  }

  return {
    async lockedUntil(username, ip) {
      const rows = await db
        .select()
        .from(loginThrottle)
        .where(inArray(loginThrottle.key, [userKey(username), ipKey(ip)]));
      const locks = rows.map((r) => r.lockedUntil).filter((d): d is Date => d !== null && d.getTime() > now());
      return locks.length ? new Date(Math.max(...locks.map((d) => d.getTime()))) : null;
    },
    async recordFailure(username, ip) {
      const a = await bump(userKey(username));
      const b = await bump(ipKey(ip));
      return a ?? b;
    },
    async recordSuccess(username) {
      await db.delete(loginThrottle).where(eq(loginThrottle.key, userKey(username)));
    },
  };
}
