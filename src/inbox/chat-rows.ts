// One chat-list row for a user: the last message, search match, team chips, and unread counted from the read marker.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { newestFirst } from "./order.ts";
import type { Db } from "../db/client.ts";
import { chatReads, chats, instances, messages, type MessageMedia, type SystemEvent } from "../db/schema/index.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { UNREAD_CAP } from "../lib/count-caps.ts";

export interface ChatListItem {
  id: number;
  instanceId: number;
  instanceName: string;
  waChatId: string;
  name: string | null;
  lastMessageAt: Date | null;
  /** Incoming messages this user has not read, up to UNREAD_CAP. */
  unread: number;
  last: {
    text: string | null;
    /** A system line or a message that is not text as a code: the preview is rendered in the reader's language. */
    event: SystemEvent | null;
    type: string;
    direction: "in" | "out" | "system" | "note";
    mediaKind: MessageMedia["kind"] | null;
    deleted: boolean;
  } | null;
  /** The newest message matching the search, when the chat was found by its messages (`event` as in `last`). */
  match: { text: string | null; event: SystemEvent | null } | null;
  /** Team workflow: state, assignee and labels (chips on the row, live tab membership). */
  status: "open" | "pending" | "resolved";
  assigneeId: number | null;
  assigneeName: string | null;
  labels: { id: number; name: string; color: string }[];
}

export const reads = alias(chatReads, "r");

/**
 * A message of the chat counts as unread when it came in after the user's read marker (ordered by sentAt, id); without a
 * marker, when it came in after the user's account was created (a new colleague does not start with years of "unread").
 * Written as one range so it reads the (chat, sentAt, id) index.
 */
export const afterReadMarker = (userId: number) =>
  sql`(m.sent_at, m.id) > (coalesce((select rm.sent_at from messages rm where rm.id = ${reads.lastReadMessageId}), (select nu.created_at from users nu where nu.id = ${userId})), coalesce(${reads.lastReadMessageId}, 0))`;

const unreadCount = (userId: number) =>
  sql<number>`(select count(*)::int from (select 1 from messages m where m.chat_id = ${chats.id} and m.direction = 'in' and ${afterReadMarker(userId)} limit ${sql.raw(String(UNREAD_CAP))}) u)`;

/** Row details for chat ids already chosen and ordered by the page query. */
export async function chatRowDetails(
  db: Db,
  user: SessionUser,
  ids: number[],
  tsq: string | null,
  scope?: SQL,
): Promise<ChatListItem[]> {
  if (ids.length === 0) return [];
  const last = db
    .select({
      text: messages.text,
      event: messages.event,
      type: messages.type,
      direction: messages.direction,
      mediaKind: sql<MessageMedia["kind"] | null>`${messages.media}->>'kind'`.as("media_kind"),
      deleted: sql<boolean>`${messages.deletedAt} is not null`.as("deleted"),
    })
    .from(messages)
    // Team system lines (taken, transferred, resolved) are not the conversation's last message, nor is the auto-reply:
    // it follows the customer's message at once and would hide what they asked.
    .where(and(eq(messages.chatId, chats.id), sql`${messages.type} <> 'teamEvent'`, sql`${messages.via} <> 'auto'`))
    .orderBy(...newestFirst(messages.sentAt, messages.id))
    .limit(1)
    .as("last");
  const match = tsq
    ? sql<unknown>`(select jsonb_build_object('text', m.text, 'event', m.event) from messages m where m.chat_id = ${chats.id} and m.deleted_at is null and m.search_vector @@ to_tsquery('simple', ${tsq}) order by m.sent_at desc nulls last, m.id desc nulls last limit 1)`
    : sql<null>`null`;
  const rows = await db
    .select({
      id: chats.id,
      instanceId: chats.instanceId,
      instanceName: instances.name,
      waChatId: chats.waChatId,
      name: chats.name,
      lastMessageAt: chats.lastMessageAt,
      unread: unreadCount(user.id),
      lastText: last.text,
      lastEvent: last.event,
      lastType: last.type,
      lastDirection: last.direction,
      lastMediaKind: last.mediaKind,
      lastDeleted: last.deleted,
      match,
      status: chats.status,
      assigneeId: chats.assigneeId,
      assigneeName: sql<string | null>`(select u.display_name from users u where u.id = ${chats.assigneeId})`,
      labels: sql<unknown>`(select coalesce(json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color) order by lower(l.name)), '[]'::json) from chat_labels cl join labels l on l.id = cl.label_id where cl.chat_id = ${chats.id})`,
    })
    .from(chats)
    .innerJoin(instances, eq(instances.id, chats.instanceId))
    .leftJoin(reads, and(eq(reads.chatId, chats.id), eq(reads.userId, user.id)))
    .leftJoinLateral(last, sql`true`)
    .where(and(inArray(chats.id, ids), scope));
  const byId = new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        instanceId: r.instanceId,
        instanceName: r.instanceName,
        waChatId: r.waChatId,
        name: r.name,
        lastMessageAt: r.lastMessageAt,
        unread: r.unread,
        last:
          r.lastType === null
            ? null
            : {
                text: r.lastText,
                event: r.lastEvent,
                type: r.lastType,
                direction: r.lastDirection!,
                mediaKind: r.lastMediaKind,
                deleted: r.lastDeleted!,
              },
        match: (typeof r.match === "string" ? JSON.parse(r.match) : r.match) as ChatListItem["match"],
        status: r.status,
        assigneeId: r.assigneeId,
        assigneeName: r.assigneeName,
        labels: (typeof r.labels === "string" ? JSON.parse(r.labels) : (r.labels ?? [])) as ChatListItem["labels"],
      } satisfies ChatListItem,
    ]),
  );
  return ids.map((id) => byId.get(id)).filter((r): r is ChatListItem => r !== undefined);
}
