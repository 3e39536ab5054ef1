// Live inbox fragments for one user's SSE stream: bubbles added or changed, rows moved or updated, unread total, notifications.
import type { AppEvent } from "../../src/events/bus.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { SessionUser } from "../../src/auth/sessions.ts";
import type { AppDeps } from "../../src/lib/context.ts";
import { Bubble, Bubbles } from "./bubble.tsx";
import { chatContext } from "./conversation.tsx";
import { contactLabel, dayKey, type Ui } from "./format.ts";
import { ChatRow } from "./list.tsx";
import { mediaLabel } from "./media.tsx";

export interface Frame {
  event: string;
  data: string;
}

/** Events this module renders (the stream passes the others through). */
export const INBOX_EVENTS: ReadonlySet<string> = new Set([EVENTS.messageCreated, EVENTS.messageUpdated, EVENTS.chatUpdated]);

/** A bubble's HTML, and the notification an incoming message raises. */
type Rendered = { html: string; notify: { title: string; body: string; url: string; tag: string } | null } | null;

// A message's bubble is the same for every viewer with the same language, zone and role: render it once per event.
const shared = new WeakMap<AppEvent, Map<string, Promise<Rendered>>>();

function once(event: AppEvent, ui: Ui, render: () => Promise<Rendered>): Promise<Rendered> {
  let byView = shared.get(event);
  if (!byView) shared.set(event, (byView = new Map()));
  const key = `${ui.locale}|${ui.tz}|${ui.isAdmin}`;
  let result = byView.get(key);
  if (!result) byView.set(key, (result = render()));
  return result;
}

async function toHtml(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const ids = (event: AppEvent) => ({ messageId: Number(event.data.messageId), chatId: Number(event.data.chatId) });

/** The frames for a batch of inbox events, as this user sees them (their rights, language, time zone, unread counts). */
export async function inboxFrames(deps: AppDeps, user: SessionUser, ui: Ui, events: AppEvent[]): Promise<Frame[]> {
  const { inbox } = deps;
  const frames: Frame[] = [];
  const moved = new Set<number>();
  const updatedMessages = new Map<number, AppEvent>();

  for (const event of events) {
    const { messageId, chatId } = ids(event);
    if (event.name === EVENTS.messageUpdated) updatedMessages.set(messageId, event);
    if (event.name !== EVENTS.messageCreated) continue;
    const bubble = await once(event, ui, async () => {
      const [found, chat] = await Promise.all([inbox.messageWithPrevious(messageId), inbox.getChat(Number(event.instanceId), chatId)]);
      if (!found || !chat) return null;
      const m = found.message;
      const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
      const html = await toHtml(<Bubbles ui={ui} messages={[m]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
      const body = (m.text ?? (m.media ? mediaLabel(ui, m.media.kind) : "")).slice(0, 200);
      const notify = m.direction === "in" ? { title: `${contactLabel(ui, chat)} · ${chat.instanceName}`, body, url: `/instances/${chat.instanceId}/chats/${chatId}`, tag: `chat-${chatId}` } : null;
      return { html, notify };
    });
    if (!bubble) continue;
    frames.push({ event: `msgs.${chatId}`, data: bubble.html });
    if (bubble.notify) frames.push({ event: "notify", data: JSON.stringify(bubble.notify) });
    moved.add(chatId);
  }

  for (const [messageId, event] of updatedMessages) {
    const { chatId } = ids(event);
    const bubble = await once(event, ui, async () => {
      const [found, chat] = await Promise.all([inbox.messageWithPrevious(messageId), inbox.getChat(Number(event.instanceId), chatId)]);
      if (!chat) return null;
      // Gone (a webhook twin folded into the send it echoed): its bubble leaves the page.
      if (!found) return { html: `<li id="m-${messageId}" hx-swap-oob="delete"></li>`, notify: null };
      return { html: await toHtml(<Bubble ui={ui} m={found.message} chat={chatContext(ui, chat)} oob />), notify: null };
    });
    if (bubble) frames.push({ event: `msg.${chatId}`, data: bubble.html });
  }

  for (const chatId of moved) {
    const row = await inbox.chatRow(user, chatId);
    if (!row) continue;
    const html = await toHtml(<ChatRow ui={ui} chat={row} />);
    frames.push({ event: "chats.all", data: html }, { event: `chats.${row.instanceId}`, data: html });
  }
  const touched = new Set(events.filter((e) => e.name === EVENTS.chatUpdated).map((e) => ids(e).chatId));
  for (const chatId of touched) {
    if (moved.has(chatId)) continue;
    const row = await inbox.chatRow(user, chatId);
    if (row) frames.push({ event: "chat", data: await toHtml(<ChatRow ui={ui} chat={row} oob />) });
  }
  if (moved.size > 0 || touched.size > 0) frames.push(await unreadFrame(deps, user));
  return frames;
}

/** The number of chats with unread messages, for the tab title. */
export async function unreadFrame(deps: AppDeps, user: SessionUser): Promise<Frame> {
  return { event: "unread", data: String(await deps.inbox.unreadChats(user)) };
}
