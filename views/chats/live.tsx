// Live inbox fragments for one user's SSE stream: bubbles added or changed, rows moved or updated, unread total, notifications.
import type { AppEvent } from "../../src/events/bus.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { SessionUser } from "../../src/auth/sessions.ts";
import type { AppDeps } from "../../src/lib/context.ts";
import type { MessageView } from "../../src/inbox/service.ts";
import { memo, scopeKey, fanoutQuery } from "../../src/events/shared.ts";
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

async function toHtml(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const ids = (event: AppEvent) => ({ messageId: Number(event.data.messageId), chatId: Number(event.data.chatId) });

/** The message of a message event (with the previous one's time) and its chat, read once per event for every stream. */
function load(deps: AppDeps, event: AppEvent) {
  const { messageId, chatId } = ids(event);
  return memo(event, "load", async () => {
    const [found, chat] = await Promise.all([deps.inbox.messageWithPrevious(messageId), deps.inbox.getChat(Number(event.instanceId), chatId)]);
    return { found, chat };
  });
}

/**
 * A bubble is the same for every viewer with the same language, zone and role — except its author, who also gets edit and
 * delete: rendered once per event and view.
 */
function bubbleOnce(event: AppEvent, ui: Ui, m: MessageView | undefined, render: () => Promise<Rendered>): Promise<Rendered> {
  const own = m && ui.userId !== null && m.senderUserId === ui.userId ? ui.userId : "";
  return memo(event, `bubble|${ui.locale}|${ui.tz}|${ui.isAdmin}|${own}`, render);
}

/** What a stream lends inboxFrames between batches. */
export interface LiveStream {
  /** Writes frames at once: the bubbles go out before the per-user chat rows and unread total are ready. */
  early(frames: Frame[]): Promise<unknown>;
  /** Inbox events queued for this stream since its batch was taken (visible to the user, not yet handled). */
  upcoming(): readonly AppEvent[];
  /** What the previous batch sent, by the event its data was read for: the same data is not sent twice. */
  sent: { rows: Map<number, { key: AppEvent; moved: boolean }>; unread: AppEvent | null };
}

export function liveStream(early: LiveStream["early"], upcoming: LiveStream["upcoming"]): LiveStream {
  return { early, upcoming, sent: { rows: new Map(), unread: null } };
}

/**
 * The frames for a batch of inbox events, as this user sees them (their rights, language, time zone, unread counts).
 * Shared work is done once per process: bubbles per event and view, chat rows and unread totals per user (not per tab).
 */
export async function inboxFrames(deps: AppDeps, user: SessionUser, ui: Ui, events: AppEvent[], stream?: LiveStream): Promise<Frame[]> {
  const { inbox } = deps;
  const frames: Frame[] = [];
  const moved = new Set<number>();
  const updatedMessages = new Map<number, AppEvent>();

  for (const event of events) {
    const { messageId, chatId } = ids(event);
    if (event.name === EVENTS.messageUpdated) updatedMessages.set(messageId, event);
    if (event.name !== EVENTS.messageCreated) continue;
    const { found, chat } = await load(deps, event);
    const bubble = await bubbleOnce(event, ui, found?.message, async () => {
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
  if (stream && frames.length > 0) await stream.early(frames.splice(0));

  for (const [messageId, event] of updatedMessages) {
    const { chatId } = ids(event);
    const { found, chat } = await load(deps, event);
    const bubble = await bubbleOnce(event, ui, found?.message, async () => {
      if (!chat) return null;
      // Gone (a webhook twin folded into the send it echoed): its bubble leaves the page.
      if (!found) return { html: `<li id="m-${messageId}" hx-swap-oob="delete"></li>`, notify: null };
      return { html: await toHtml(<Bubble ui={ui} m={found.message} chat={chatContext(ui, chat)} oob />), notify: null };
    });
    if (bubble) frames.push({ event: `msg.${chatId}`, data: bubble.html });
  }
  if (stream && frames.length > 0) await stream.early(frames.splice(0));

  // Chat rows and the unread total, read once per user and event: for a chat, the newest event about it this stream has
  // (handled now or queued behind: a message's chat.updated follows its message.created by a few ms, and both need the
  // same row); for the total, the newest event of all. A memo keyed by an event is never older than that event. Rendered
  // once per user and view; the queries share a few pool connections. What the previous batch sent for the same event is
  // not sent again.
  const touched = new Set(events.filter((e) => e.name === EVENTS.chatUpdated).map((e) => ids(e).chatId));
  const later = stream?.upcoming().filter((e) => INBOX_EVENTS.has(e.name)) ?? [];
  const latest = new Map<number, AppEvent>();
  for (const event of [...events, ...later]) latest.set(ids(event).chatId, event);
  const newest = later.at(-1) ?? events.at(-1)!;
  const scope = scopeKey(user);
  const before = stream?.sent ?? { rows: new Map<number, { key: AppEvent; moved: boolean }>(), unread: null };
  const sentRows = new Map<number, { key: AppEvent; moved: boolean }>();
  const row = (chatId: number, toTop: boolean) => {
    const key = latest.get(chatId)!;
    const previous = before.rows.get(chatId);
    if (previous?.key === key && (previous.moved || !toTop)) {
      sentRows.set(chatId, previous);
      return null;
    }
    sentRows.set(chatId, { key, moved: toTop });
    return memo(key, `row|${chatId}|${scope}|${ui.locale}|${ui.tz}|${toTop}`, async () => {
      const item = await memo(key, `rowData|${chatId}|${scope}`, () => fanoutQuery(() => inbox.chatRow(user, chatId)));
      return item ? { instanceId: item.instanceId, html: await toHtml(<ChatRow ui={ui} chat={item} oob={!toTop} />) } : null;
    });
  };
  const movedRows = [...moved].map((chatId) => row(chatId, true));
  const touchedRows = [...touched].filter((chatId) => !moved.has(chatId)).map((chatId) => row(chatId, false));
  const unread = (moved.size > 0 || touched.size > 0) && before.unread !== newest ? memo(newest, `unread|${scope}`, () => fanoutQuery(() => unreadFrame(deps, user))) : null;
  for (const r of await Promise.all(movedRows)) if (r) frames.push({ event: "chats.all", data: r.html }, { event: `chats.${r.instanceId}`, data: r.html });
  for (const r of await Promise.all(touchedRows)) if (r) frames.push({ event: "chat", data: r.html });
  if (unread) frames.push(await unread);
  if (stream) stream.sent = { rows: sentRows, unread: unread ? newest : before.unread };
  return frames;
}

/** The number of chats with unread messages, for the tab title. */
export async function unreadFrame(deps: AppDeps, user: SessionUser): Promise<Frame> {
  return { event: "unread", data: String(await deps.inbox.unreadChats(user)) };
}
