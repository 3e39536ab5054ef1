// Users, their sessions, per-instance access and login throttling counters.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { instances } from "./instances.ts";

export const users = pgTable(
  "users",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    username: text().notNull(),
    displayName: text().notNull(),
    email: text(),
    passwordHash: text(),
    isAdmin: boolean().notNull().default(false),
    canManageUsers: boolean().notNull().default(false),
    canManageInstances: boolean().notNull().default(false),
    locale: text({ enum: ["en", "ru"] }),
    disabled: boolean().notNull().default(false),
    // Named: snake_case of `require2fa` is `require2fa`.
    require2fa: boolean("require_2fa").notNull().default(false),
    telegramUserId: bigint({ mode: "number" }),
    available: boolean().notNull().default(true),
    lastSeenAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_username_lower_idx").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`),
    uniqueIndex("users_telegram_user_id_idx").on(t.telegramUserId),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text().primaryKey(),
    secretHash: text().notNull(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userAgent: text(),
    ip: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastVerifiedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const userInstances = pgTable(
  "user_instances",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    instanceId: integer()
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.instanceId] }), index("user_instances_instance_idx").on(t.instanceId)],
);

/** Failed sign-in counters keyed by `user:<name>` or `ip:<addr>`; persisted so a restart does not reset them. */
export const loginThrottle = pgTable("login_throttle", {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  lockedUntil: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** External identities (OAuth/OpenID) linked to a user; sign-in never creates users. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text().notNull(),
    subject: text().notNull(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index("oauth_accounts_user_idx").on(t.userId)],
);
