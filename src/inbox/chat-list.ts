// Chat-list queries: newest activity first with keyset pages, search (name, number, full text), per-user unread counts.
// Apart: what one row shows and how unread is counted (chat-rows.ts).
import { and, eq, ilike, inArray, isNotNull, like, or, sql, type SQL } from "drizzle-orm";
import { newestFirst } from "./order.ts";
import type { Db } from "../db/client.ts";
import { chats, instances } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { UNREAD_CAP } from "../lib/count-caps.ts";
import { afterReadMarker, type ChatListItem, chatRowDetails, reads } from "./chat-rows.ts";

export interface ChatListQuery {
  instanceId?: number;
  q?: string;
  /** Cursor from a previous page (`next`). */
  before?: string;
  limit?: number;
  /** Further conditions on `chats` (team filters: tab, label, state, assignee, dates). */
  where?: SQL;
  /** Further ways a search matches a chat (e.g. its contact's name or notes). */
  searchAlso?: SQL;
}

/**
 * `to_tsquery('simple', …)` text for search as you type: every word, the last one (still being typed) as a prefix when it
 * has 3 letters or more; null when the query has no words.
 */
export function prefixQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((w) => w.slice(0, 64));
  if (words.length === 0) return null;
  const last = words.length - 1;
  const typing = !/[\p{L}\p{N}]$/u.test(q) ? -1 : last;
  return words.map((w, i) => (i === typing && w.length >= 3 ? `${w}:*` : w)).join(" & ");
}

function scopeOf(user: SessionUser): SQL | undefined | false {
  const scope = visibleInstances(user);
  if (scope === "all") return undefined;
  return scope.length === 0 ? false : inArray(chats.instanceId, [...scope]);
}

function scopeOfInstances(user: SessionUser): SQL | undefined {
  const scope = visibleInstances(user);
  return scope === "all" ? undefined : inArray(instances.id, [...scope]);
}

function encodeCursor(micros: string, id: number): string {
  return `${micros}_${id}`;
}

function decodeCursor(cursor: string): { micros: string; id: number } | null {
  const m = /^(\d{1,19})_(\d{1,15})$/.exec(cursor);
  return m ? { micros: m[1]!, id: Number(m[2]) } : null;
}

export function chatListQueries(db: Db) {
  return {
    /**
     * One page of the user's chats, newest activity first (keyset on lastMessageAt, id — no OFFSET). Chats without any
     * message yet are left out. `q` matches the contact name, digits of the number, or words of message texts.
     */
    async listChats(
      user: SessionUser,
      opts: ChatListQuery = {},
    ): Promise<{ items: ChatListItem[]; next: string | null }> {
      const scope = scopeOf(user);
      if (scope === false) return { items: [], next: null };
      const limit = opts.limit ?? 50;
      const q = opts.q?.trim() ?? "";
      const tsq = prefixQuery(q);
      const digits = q.replace(/\D/g, "");
      const cursor = opts.before ? decodeCursor(opts.before) : null;
      const search = q
        ? or(
            ilike(chats.name, `%${q.replace(/[\\%_]/g, "\\$&")}%`),
            digits.length >= 3 ? like(chats.waChatId, `%${digits}%`) : undefined,
            tsq
              ? sql`${chats.id} in (select m.chat_id from messages m where m.search_vector @@ to_tsquery('simple', ${tsq}) and m.deleted_at is null)`
              : undefined,
            opts.searchAlso,
          )
        : undefined;
      // Newest chats of each visible instance through its (instance, lastMessageAt, id) index, then merged.
      const newest = db
        .select({
          id: chats.id,
          at: chats.lastMessageAt,
          micros: sql<string>`(extract(epoch from ${chats.lastMessageAt}) * 1000000)::bigint::text`.as("micros"),
        })
        .from(chats)
        .where(
          and(
            eq(chats.instanceId, instances.id),
            isNotNull(chats.lastMessageAt),
            search,
            opts.where,
            cursor
              ? sql`(${chats.lastMessageAt}, ${chats.id}) < ('epoch'::timestamptz + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id})`
              : undefined,
          ),
        )
        .orderBy(...newestFirst(chats.lastMessageAt, chats.id))
        .limit(limit + 1)
        .as("newest");
      const page = await db
        .select({ id: newest.id, micros: newest.micros })
        .from(instances)
        .innerJoinLateral(newest, sql`true`)
        .where(
          and(scopeOfInstances(user), opts.instanceId === undefined ? undefined : eq(instances.id, opts.instanceId)),
        )
        .orderBy(...newestFirst(newest.at, newest.id))
        .limit(limit + 1);
      const more = page.length > limit;
      const shown = page.slice(0, limit);
      const lastRow = shown.at(-1);
      return {
        items: await chatRowDetails(
          db,
          user,
          shown.map((r) => r.id),
          tsq,
        ),
        next: more && lastRow ? encodeCursor(lastRow.micros, lastRow.id) : null,
      };
    },

    /** One chat as a list row for this user (for live updates), or undefined when the user may not see it. */
    async chatRow(user: SessionUser, chatId: number): Promise<ChatListItem | undefined> {
      const scope = scopeOf(user);
      if (scope === false) return undefined;
      // One query: live updates ask this for every connected user on every message.
      return (await chatRowDetails(db, user, [chatId], null, scope))[0];
    },

    /** How many of the user's chats have unread incoming messages (up to UNREAD_CAP), for the tab title. */
    async unreadChats(user: SessionUser): Promise<number> {
      const scope = scopeOf(user);
      if (scope === false) return 0;
      const unreadChats = db
        .select({ one: sql`1`.as("one") })
        .from(chats)
        .leftJoin(reads, and(eq(reads.chatId, chats.id), eq(reads.userId, user.id)))
        .where(
          and(
            scope,
            // Chats without activity since the user last read them (or, never read, since the account was created) need no
            // look at their messages.
            sql`(${chats.lastMessageAt} > ${reads.readAt} or (${reads.readAt} is null and ${chats.lastMessageAt} >= (select nu.created_at from users nu where nu.id = ${user.id})))`,
            sql`exists (select 1 from messages m where m.chat_id = ${chats.id} and m.direction = 'in' and ${afterReadMarker(user.id)})`,
          ),
        )
        .limit(UNREAD_CAP)
        .as("u");
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(unreadChats);
      return row?.n ?? 0;
    },

    /** Id and name of the instances the user may see, by name (the list's filter; no per-instance counts). */
    async instanceOptions(user: SessionUser): Promise<{ id: number; name: string }[]> {
      return db
        .select({ id: instances.id, name: instances.name })
        .from(instances)
        .where(scopeOfInstances(user))
        .orderBy(instances.name);
    },

    /**
     * One chat of an instance with its instance's name (undefined when it is not that instance's); `earlierWid` is the
     * number's earlier phone when the chat was started under it (another phone is linked now).
     */
    async getChat(instanceId: number, chatId: number) {
      const [row] = await db
        .select({
          id: chats.id,
          instanceId: chats.instanceId,
          instanceName: instances.name,
          instanceEnabled: instances.enabled,
          waChatId: chats.waChatId,
          name: chats.name,
          earlierWid: sql<string | null>`case when ${chats.ownerWid} <> ${instances.wid} then ${chats.ownerWid} end`,
        })
        .from(chats)
        .innerJoin(instances, eq(instances.id, chats.instanceId))
        .where(and(eq(chats.instanceId, instanceId), eq(chats.id, chatId)));
      return row;
    },
  };
}
