// Users: creation, password checks and listing; the only place that hashes passwords.
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema/index.ts";
import type { UserRow } from "../auth/sessions.ts";

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9._-]{2,32}$/i, "username: 2-32 letters, digits, dot, dash or underscore");
export const passwordSchema = z.string().min(8, "password: at least 8 characters").max(256);

export const newUserSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(80).optional(),
  password: passwordSchema,
  isAdmin: z.boolean().default(false),
  canManageUsers: z.boolean().default(false),
  canManageInstances: z.boolean().default(false),
});
export type NewUser = z.input<typeof newUserSchema>;

export class UsernameTakenError extends Error {
  override name = "UsernameTakenError";
}

// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | undefined;

export function createUserService(db: Db) {
  return {
    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },

    async create(input: NewUser): Promise<UserRow> {
      const data = newUserSchema.parse(input);
      const passwordHash = await Bun.password.hash(data.password, { algorithm: "argon2id" });
      const rows = await db
        .insert(users)
        .values({
          username: data.username,
          displayName: data.displayName ?? data.username,
          passwordHash,
          isAdmin: data.isAdmin,
          canManageUsers: data.canManageUsers || data.isAdmin,
          canManageInstances: data.canManageInstances || data.isAdmin,
        })
        .onConflictDoNothing()
        .returning();
      if (!rows[0]) throw new UsernameTakenError(`user "${data.username}" already exists`);
      return rows[0];
    },

    async findByUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.username}) = ${username.trim().toLowerCase()}`);
      return row;
    },

    /** Verifies a password; always spends one argon2 verification, whether or not the user exists. */
    async verifyPassword(username: string, password: string): Promise<UserRow | null> {
      const user = await this.findByUsername(username);
      if (!user?.passwordHash || user.disabled) {
        dummyHash ??= Bun.password.hash("not-a-real-password", { algorithm: "argon2id" });
        await Bun.password.verify(password, await dummyHash);
        return null;
      }
      return (await Bun.password.verify(password, user.passwordHash)) ? user : null;
    },

    async setPassword(userId: number, password: string): Promise<void> {
      const passwordHash = await Bun.password.hash(passwordSchema.parse(password), { algorithm: "argon2id" });
      await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
    },

    async setRequire2fa(userId: number, on: boolean): Promise<void> {
      await db.update(users).set({ require2fa: on }).where(eq(users.id, userId));
    },

    async setDisplayName(userId: number, displayName: string): Promise<void> {
      await db.update(users).set({ displayName }).where(eq(users.id, userId));
    },

    /** Forgets the linked Telegram account; false when none was linked. */
    async unlinkTelegram(userId: number): Promise<boolean> {
      const rows = await db
        .update(users)
        .set({ telegramUserId: null })
        .where(and(eq(users.id, userId), isNotNull(users.telegramUserId)))
        .returning({ id: users.id });
      return rows.length > 0;
    },

    async setLocale(userId: number, locale: "en" | "ru" | null): Promise<void> {
      await db.update(users).set({ locale }).where(eq(users.id, userId));
    },

    async list() {
      return db
        .select({
          id: users.id,
          username: users.username,
          displayName: users.displayName,
          isAdmin: users.isAdmin,
          canManageUsers: users.canManageUsers,
          canManageInstances: users.canManageInstances,
          disabled: users.disabled,
          require2fa: users.require2fa,
          telegramLinked: sql<boolean>`"users"."telegram_user_id" is not null`,
          lastSeenAt: users.lastSeenAt,
          sessions: sql<number>`(select count(*)::int from sessions s where s.user_id = "users"."id")`,
          locked: sql<boolean>`exists (select 1 from login_throttle t where t.key = 'user:' || lower("users"."username") and t.locked_until > now())`,
        })
        .from(users)
        .orderBy(asc(users.username));
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
