// Server-side sessions: `id.secret` tokens, SHA-256 of the secret stored, idle expiry refreshed at most hourly.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sessions, users } from "../db/schema/index.ts";
import { hashSecret, randomToken, secretMatches } from "./tokens.ts";

const ACTIVITY_CHECK_MS = 60 * 60 * 1000;

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

/** A signed-in user as the request sees it: flags plus the instances they may see. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  isAdmin: boolean;
  canManageUsers: boolean;
  canManageInstances: boolean;
  locale: "en" | "ru" | null;
  instanceIds: readonly number[];
}

export interface SessionService {
  create(userId: number, meta: { userAgent?: string; ip?: string }): Promise<{ token: string; session: SessionRow }>;
  /** `refreshed` is true when the idle expiry moved forward (the cookie should be renewed too). */
  validate(token: string): Promise<{ session: SessionRow; user: SessionUser; refreshed: boolean } | null>;
  invalidate(sessionId: string): Promise<void>;
  /** Ends every session of a user, optionally keeping one (the caller's). */
  invalidateAllForUser(userId: number, exceptSessionId?: string): Promise<number>;
  countForUser(userId: number): Promise<number>;
  /** A user's sessions, most recently used first (no secrets). */
  listForUser(userId: number): Promise<Pick<SessionRow, "id" | "userAgent" | "ip" | "createdAt" | "lastVerifiedAt">[]>;
  /** Ends one session if it belongs to the user; returns whether it did. */
  invalidateForUser(userId: number, sessionId: string): Promise<boolean>;
}

function toSessionUser(user: UserRow, instanceIds: readonly number[]): SessionUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    isAdmin: user.isAdmin,
    canManageUsers: user.canManageUsers,
    canManageInstances: user.canManageInstances,
    locale: user.locale,
    instanceIds,
  };
}

export function createSessionService(db: Db, ttlDays: number, now: () => number = Date.now): SessionService {
  const ttlMs = ttlDays * 24 * 60 * 60 * 1000;
  return {
    async create(userId, meta) {
      const id = randomToken();
      const secret = randomToken(24);
      const [session] = await db
        .insert(sessions)
        .values({
          id,
          secretHash: hashSecret(secret),
          userId,
          userAgent: meta.userAgent?.slice(0, 300),
          ip: meta.ip,
          createdAt: new Date(now()),
          lastVerifiedAt: new Date(now()),
        })
        .returning();
      // Signing in is being seen (later activity refreshes it at most hourly, with the session).
      await db.update(users).set({ lastSeenAt: session!.createdAt }).where(eq(users.id, userId));
      return { token: `${id}.${secret}`, session: session! };
    },

    async validate(token) {
      const parts = token.split(".");
      if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].length > 64 || parts[1].length > 128) return null;
      const [id, secret] = parts as [string, string];
      const rows = await db
        .select({
          session: sessions,
          user: users,
          instanceIds: sql<
            number[]
          >`coalesce((select array_agg(ui.instance_id) from user_instances ui where ui.user_id = "users"."id"), '{}')`,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, id));
      const row = rows[0];
      if (!row || !secretMatches(secret, row.session.secretHash)) return null;
      const idle = now() - row.session.lastVerifiedAt.getTime();
      if (idle >= ttlMs || row.user.disabled) {
        await db.delete(sessions).where(eq(sessions.id, id));
        return null;
      }
      const refreshed = idle >= ACTIVITY_CHECK_MS;
      if (refreshed) {
        row.session.lastVerifiedAt = new Date(now());
        await db.update(sessions).set({ lastVerifiedAt: row.session.lastVerifiedAt }).where(eq(sessions.id, id));
        await db.update(users).set({ lastSeenAt: row.session.lastVerifiedAt }).where(eq(users.id, row.user.id));
      }
      return { session: row.session, user: toSessionUser(row.user, (row.instanceIds ?? []).map(Number)), refreshed };
    },

    async invalidate(sessionId) {
      await db.delete(sessions).where(eq(sessions.id, sessionId));
    },

    async invalidateAllForUser(userId, exceptSessionId) {
      const where = exceptSessionId
        ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId))
        : eq(sessions.userId, userId);
      const deleted = await db.delete(sessions).where(where).returning({ id: sessions.id });
      return deleted.length;
    },

    async listForUser(userId) {
      return db
        .select({
          id: sessions.id,
          userAgent: sessions.userAgent,
          ip: sessions.ip,
          createdAt: sessions.createdAt,
          lastVerifiedAt: sessions.lastVerifiedAt,
        })
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(desc(sessions.lastVerifiedAt));
    },

    async invalidateForUser(userId, sessionId) {
      const deleted = await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
        .returning({ id: sessions.id });
      return deleted.length > 0;
    },

    async countForUser(userId) {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(sessions)
        .where(eq(sessions.userId, userId));
      return row?.n ?? 0;
    },
  };
}
