// Team workflow: contacts, labels and quick replies (assignment and state live on `chats`).
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { chats } from "./inbox.ts";
import { instances } from "./instances.ts";

/** A customer, keyed by phone number; shared by that number's chats on every instance (visibility follows the chats). */
export const contacts = pgTable(
  "contacts",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** Digits only, e.g. `79001234567`. */
    phone: text().notNull(),
    /** The name WhatsApp reported; `name` is the team's own, editable one. */
    waName: text(),
    name: text(),
    avatarUrl: text(),
    notes: text(),
    fields: jsonb().$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  (t) => [uniqueIndex("contacts_phone_idx").on(t.phone)],
);

export const labels = pgTable(
  "labels",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    /** `#rrggbb`. */
    color: text().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("labels_name_lower_idx").on(sql`lower(${t.name})`)],
);

export const chatLabels = pgTable(
  "chat_labels",
  {
    chatId: bigint({ mode: "number" })
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    labelId: integer()
      .notNull()
      .references(() => labels.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.labelId] }), index("chat_labels_label_idx").on(t.labelId)],
);

/** Canned responses: `instanceId` null = for every instance. `{name}` and `{manager}` are filled in when used. */
export const quickReplies = pgTable(
  "quick_replies",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    instanceId: integer().references(() => instances.id, { onDelete: "cascade" }),
    code: text().notNull(),
    text: text().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("quick_replies_scope_code_idx").on(sql`coalesce(${t.instanceId}, 0)`, sql`lower(${t.code})`)],
);
