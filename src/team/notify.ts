// Telling a user a chat was assigned to them: a notice on their open pages, and chatAssigned (Telegram DMs them).
import { eq } from "drizzle-orm";
import type { ConversationHooks, EventContext } from "../conversations/index.ts";
import { chats, instances, users } from "../db/schema/index.ts";
import type { AppEvent } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { translator, type Locale } from "../lib/i18n.ts";

/** Where the notice goes: the team state's context (its transaction, if any) and its after-commit publish. */
export interface AssigneeNotice {
  ctx: EventContext;
  hooks: ConversationHooks;
  /** Fallback language when the assignee has none. */
  locale: Locale;
  publish: (event: AppEvent) => void;
}

/** Tells the new assignee: a notice on their open pages; chatAssigned (Telegram DMs their linked account). */
export async function notifyAssignee(
  tell: AssigneeNotice,
  chat: { id: number; instanceId: number },
  assigneeId: number,
  by: { id: number; displayName: string } | null,
  note: string | null,
): Promise<void> {
  const [row] = await tell.ctx.db
    .select({
      locale: users.locale,
      chatName: chats.name,
      waChatId: chats.waChatId,
      instanceName: instances.name,
    })
    .from(users)
    .innerJoin(chats, eq(chats.id, chat.id))
    .innerJoin(instances, eq(instances.id, chats.instanceId))
    .where(eq(users.id, assigneeId));
  if (!row) return;
  const tu = translator(row.locale ?? tell.locale);
  const who = row.chatName ?? (row.waChatId.endsWith("@c.us") ? `+${row.waChatId.slice(0, -5)}` : row.waChatId);
  const text =
    by && by.id !== assigneeId
      ? tu("team.notify.assignedBy", { chat: who, instance: row.instanceName, by: by.displayName })
      : tu("team.notify.assigned", { chat: who, instance: row.instanceName });
  const full = note ? `${text}\n${tu("team.notify.note", { note })}` : text;
  if (by?.id !== assigneeId) {
    tell.publish({
      name: EVENTS.notice,
      userId: assigneeId,
      data: { html: noticeHtml(full, `/instances/${chat.instanceId}/chats/${chat.id}`, tu("team.open")) },
    });
  }
  const byActor = by ? { id: by.id, displayName: by.displayName } : null;
  await tell.hooks.publish(tell.ctx, "chatAssigned", {
    instanceId: chat.instanceId,
    chatId: chat.id,
    assigneeId,
    by: byActor,
    notice: full,
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The flash shown on the assignee's pages (the notice event carries HTML; every part is escaped here). */
function noticeHtml(text: string, url: string, open: string): string {
  return `<p class="flash flash-ok" role="status">${escapeHtml(text)} <a href="${escapeHtml(url)}">${escapeHtml(open)}</a></p>`;
}
