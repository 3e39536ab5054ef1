// Contacts: one per customer phone, shared by that number's chats on every instance. A user sees a contact only
// through a chat of an instance they may see; every query here takes the user's instance scope.
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { jsonRows } from "../db/rows.ts";
import { chats, contacts, instances } from "../db/schema/index.ts";

export type Contact = typeof contacts.$inferSelect;
export type Scope = readonly number[] | "all";

/** Digits of a personal chat id (`79001234567@c.us`), or null for groups and hidden numbers. */
export function phoneOfChat(waChatId: string): string | null {
  const m = /^(\d{5,20})@c\.us$/.exec(waChatId);
  return m ? m[1]! : null;
}

/** "key: value" lines of the custom-fields box. */
const fieldsText = z
  .string()
  .max(4000)
  .default("")
  .transform((text) => {
    const fields: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
      const at = line.indexOf(":");
      if (at <= 0) continue;
      const key = line.slice(0, at).trim().slice(0, 40);
      const value = line
        .slice(at + 1)
        .trim()
        .slice(0, 500);
      if (key && value && Object.keys(fields).length < 30) fields[key] = value;
    }
    return fields;
  });

export const contactForm = z.object({
  name: z
    .string()
    .trim()
    .max(120)
    .transform((v) => v || null),
  notes: z
    .string()
    .trim()
    .max(4000)
    .transform((v) => v || null),
  fields: fieldsText,
});

/** Chats of the contact's number within the scope. */
function chatsOfContact(scope: Scope): SQL {
  const inScope =
    scope === "all"
      ? sql`true`
      : scope.length
        ? sql`c.instance_id in (${sql.join(
            scope.map((id) => sql`${id}`),
            sql`, `,
          )})`
        : sql`false`;
  return sql`exists (select 1 from chats c where c.wa_chat_id = "contacts"."phone" || '@c.us' and ${inScope})`;
}

export function createContacts(db: Db) {
  return {
    /** From ingest: the customers of personal chats exist as contacts; WhatsApp's names are kept up to date (the last wins). */
    async upsertFromChats(list: Array<{ waChatId: string; waName: string | null }>): Promise<void> {
      const byPhone = new Map<string, string | null>();
      for (const { waChatId, waName } of list) {
        const phone = phoneOfChat(waChatId);
        if (phone) byPhone.set(phone, waName ?? byPhone.get(phone) ?? null);
      }
      if (byPhone.size === 0) return;
      // Hand-written: the batch's contacts in one fixed statement (jsonb_to_recordset upsert, conditional update);
      // bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s.
      await db.execute(sql`
        insert into contacts (phone, wa_name)
        select x.phone, x.wa_name from jsonb_to_recordset(${jsonRows([...byPhone].map(([phone, waName]) => ({ phone, wa_name: waName })))}) as x(phone text, wa_name text)
        on conflict (phone) do update set wa_name = coalesce(excluded.wa_name, contacts.wa_name), updated_at = now()
        where excluded.wa_name is not null and excluded.wa_name is distinct from contacts.wa_name`);
    },

    /** Contacts the user may see, by name or number, alphabetically. */
    async list(scope: Scope, q = "", limit = 100): Promise<Contact[]> {
      const digits = q.replace(/\D/g, "");
      const text = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
      const search = q
        ? or(
            ilike(contacts.name, text),
            ilike(contacts.waName, text),
            ilike(contacts.notes, text),
            digits.length >= 3 ? sql`${contacts.phone} like ${`%${digits}%`}` : undefined,
          )
        : undefined;
      return db
        .select()
        .from(contacts)
        .where(and(chatsOfContact(scope), search))
        .orderBy(asc(sql`lower(coalesce(${contacts.name}, ${contacts.waName}, ${contacts.phone}))`))
        .limit(limit);
    },

    /** The contact, when the user may see one of its chats. */
    async get(scope: Scope, id: number): Promise<Contact | undefined> {
      const [row] = await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.id, id), chatsOfContact(scope)));
      return row;
    },

    /** The contact of a chat (personal chats only). */
    async ofChat(waChatId: string): Promise<Contact | undefined> {
      const phone = phoneOfChat(waChatId);
      if (!phone) return undefined;
      const [row] = await db.select().from(contacts).where(eq(contacts.phone, phone));
      return row;
    },

    /** The contact's chats on instances in scope, newest first. */
    async chats(scope: Scope, contact: Contact) {
      return db
        .select({
          id: chats.id,
          instanceId: chats.instanceId,
          instanceName: instances.name,
          status: chats.status,
          lastMessageAt: chats.lastMessageAt,
          name: chats.name,
          waChatId: chats.waChatId,
        })
        .from(chats)
        .innerJoin(instances, eq(instances.id, chats.instanceId))
        .where(
          and(
            eq(chats.waChatId, `${contact.phone}@c.us`),
            scope === "all" ? undefined : scope.length ? inArray(chats.instanceId, [...scope]) : sql`false`,
          ),
        )
        .orderBy(sql`${chats.lastMessageAt} desc nulls last`);
    },

    async update(
      id: number,
      input: { name: string | null; notes: string | null; fields: Record<string, string> },
    ): Promise<void> {
      await db
        .update(contacts)
        .set({ ...input, updatedAt: sql`now()` })
        .where(eq(contacts.id, id));
    },

    async setAvatar(id: number, avatarUrl: string | null): Promise<void> {
      await db.update(contacts).set({ avatarUrl, updatedAt: sql`now()` }).where(eq(contacts.id, id));
    },

    /** Phones (digits) of contacts matching a search, for chat search by contact name, notes or fields. */
    matching(q: string): SQL {
      const text = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
      return sql`${chats.waChatId} in (select ct.phone || '@c.us' from contacts ct where ct.name ilike ${text} or ct.wa_name ilike ${text} or ct.notes ilike ${text} or ct.fields::text ilike ${text})`;
    },
  };
}
