// Web Push: the server's VAPID key pair (one row, made on first start unless given by env) and each user's devices.
import { boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

/** The VAPID key pair this server signs pushes with (a single row, id 1). */
export const pushKeys = pgTable("push_keys", {
  id: integer().primaryKey(),
  publicKey: text().notNull(),
  privateKey: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** A browser's push subscription: which user's device, and what it wants to hear about. */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text().notNull().unique(),
    p256dh: text().notNull(),
    auth: text().notNull(),
    userAgent: text(),
    /** Whether the notification may carry the message's text. */
    previews: boolean().notNull().default(false),
    /** Which chats notify: assigned to the user, those and unassigned ones, or every chat the user may see. */
    scope: text({ enum: ["mine", "mine_and_unassigned", "all"] })
      .notNull()
      .default("mine_and_unassigned"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSuccessAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);
