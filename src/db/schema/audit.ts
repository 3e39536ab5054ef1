// Audit log: who did what and when; never holds secrets.
import { index, integer, jsonb, pgTable, text, timestamp, bigint } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userId: integer().references(() => users.id, { onDelete: "set null" }),
    actor: text(),
    action: text().notNull(),
    target: text(),
    ip: text(),
    details: jsonb(),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc(), t.id.desc()),
    index("audit_log_user_idx").on(t.userId, t.at.desc()),
  ],
);
