// Audit log: who did what and when; never holds secrets.
import { index, integer, jsonb, pgTable, text, timestamp, bigint } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    actor: text("actor"),
    action: text("action").notNull(),
    target: text("target"),
    ip: text("ip"),
    details: jsonb("details"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc(), t.id.desc()),
    index("audit_log_user_idx").on(t.userId, t.at.desc()),
  ],
);
