// Live inbox fragments for the SSE streams: bubbles added or changed and notifications (shared per view), then each user's
// rows moved or updated and unread total.
import type { AppEvent } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { AppDeps } from "../env.ts";
import type { MessageView } from "../inbox/service.ts";
import { memo, scopeKey, fanoutQuery } from "./shared.ts";
import { sseBytes, type Frame } from "./sse.ts";
import { Bubble, Bubbles } from "../../views/chats/bubble.tsx";
import { chatContext } from "../../views/chats/conversation.tsx";
import { contactLabel, dayKey, type Ui } from "../../views/chats/format.ts";
import { ChatRow } from "../../views/chats/chat-row.tsx";
import { mediaLabel } from "../../views/chats/media.tsx";
import { shorten } from "../lib/names.ts";
import { systemLineText } from "../lib/system-lines.ts";

export type { Frame };

/** Events this module renders (the stream passes the others through). */
export const INBOX_EVENTS: ReadonlySet<string> = new Set([
  EVENTS.messageCreated,
  EVENTS.messageUpdated,
  EVENTS.chatUpdated,
]);

/** A bubble's SSE frames (and a new incoming message's notification), encoded once for every stream with the same view. */
type Rendered = { chunk: Uint8Array } | null;

async function toHtml(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const ids = (event: AppEvent) => ({ messageId: Number(event.data.messageId), chatId: Number(event.data.chatId) });

/** The message of a message event (with the previous one's time) and its chat, read once per event for every stream. */
function load(deps: AppDeps, event: AppEvent) {
  const { messageId, chatId } = ids(event);
  return memo(event, "load", async () => {
    const [found, chat] = await Promise.all([
      deps.inbox.messageWithPrevious(messageId),
      deps.inbox.getChat(Number(event.instanceId), chatId),
    ]);
    return { found, chat };
  });
}

/**
 * Starts reading what a message event's bubble needs as soon as the event reaches the first stream that may show it;
 * the promise settles when the read is done (errors surface where the bubble is awaited). Null for other events.
 */
export function prefetch(deps: AppDeps, event: AppEvent): Promise<unknown> | null {
  if (event.name !== EVENTS.messageCreated && event.name !== EVENTS.messageUpdated) return null;
  return memo(event, "prefetch", () =>
    load(deps, event).then(
      () => undefined,
      () => undefined,
    ),
  );
}

/**
 * A bubble is the same for every viewer with the same language, zone and role — except its author, who also gets edit and
 * delete: rendered and encoded once per event and view.
 */
function bubbleOnce(
  event: AppEvent,
  ui: Ui,
  m: MessageView | undefined,
  render: () => Promise<Frame[] | null>,
): Promise<Rendered> {
  const own = m && ui.userId !== null && m.senderUserId === ui.userId ? ui.userId : "";
  return memo(event, `bubble|${ui.locale}|${ui.tz}|${ui.isAdmin}|${own}`, async () => {
    const frames = await render();
    return frames ? { chunk: sseBytes(frames) } : null;
  });
}

/** The bubble of one message event as this view shows it (null when the message or chat is gone). */
async function bubbleOf(deps: AppDeps, ui: Ui, event: AppEvent): Promise<Rendered> {
  const { messageId, chatId } = ids(event);
  const { found, chat } = await load(deps, event);
  if (event.name === EVENTS.messageCreated) {
    return bubbleOnce(event, ui, found?.message, async () => {
      if (!found || !chat) return null;
      const m = found.message;
      const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
      const html = await toHtml(<Bubbles ui={ui} messages={[m]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
      const frames: Frame[] = [{ event: `msgs.${chatId}`, data: html }];
      if (m.direction === "in") {
        const body = shorten(systemLineText(ui.t, m) || (m.media ? mediaLabel(ui, m.media.kind) : ""), 200);
        const notify = {
          title: `${contactLabel(ui, chat)} · ${chat.instanceName}`,
          body,
          url: `/instances/${chat.instanceId}/chats/${chatId}`,
          tag: `chat-${chatId}`,
        };
        frames.push({ event: "notify", data: JSON.stringify(notify) });
      }
      return frames;
    });
  }
  return bubbleOnce(event, ui, found?.message, async () => {
    if (!chat) return null;
    // Gone (a webhook twin folded into the send it echoed): its bubble leaves the page.
    if (!found) return [{ event: `msg.${chatId}`, data: `<li id="m-${messageId}" hx-swap-oob="delete"></li>` }];
    return [
      {
        event: `msg.${chatId}`,
        data: await toHtml(<Bubble ui={ui} m={found.message} chat={chatContext(ui, chat)} oob />),
      },
    ];
  });
}

/** The message events of a batch whose bubbles go out: new ones in order, then each changed message once (its newest event). */
function bubbleEvents(events: readonly AppEvent[]): AppEvent[] {
  const updated = new Map<number, AppEvent>();
  for (const event of events) if (event.name === EVENTS.messageUpdated) updated.set(ids(event).messageId, event);
  return [...events.filter((e) => e.name === EVENTS.messageCreated), ...updated.values()];
}

/**
 * A batch's bubbles (and the notifications new incoming messages raise), already in the SSE wire format. Nothing in them
 * is per user beyond the view (language, zone, role, authorship), so every stream writes the same bytes; a stream writes
 * them before its per-user chat rows and unread total (`rowFrames`), which must not hold them up.
 */
export async function bubbleChunks(deps: AppDeps, ui: Ui, events: readonly AppEvent[]): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (const event of bubbleEvents(events)) {
    const bubble = await bubbleOf(deps, ui, event);
    if (bubble) chunks.push(bubble.chunk);
  }
  return chunks;
}

/** What a stream lends rowFrames between batches. */
export interface LiveStream {
  /** Inbox events visible to the user, not yet handled by rowFrames (queued behind, or waiting for their turn). */
  upcoming(): readonly AppEvent[];
  /** What the previous batch sent, by the event its data was read for: the same data is not sent twice. */
  sent: { rows: Map<number, { key: AppEvent; moved: boolean }>; unread: AppEvent | null };
}

export function liveStream(upcoming: LiveStream["upcoming"]): LiveStream {
  return { upcoming, sent: { rows: new Map(), unread: null } };
}

/**
 * The per-user frames for a batch of inbox events whose bubbles went out already: the chat rows (moved to the top for new
 * messages, in place for other chat updates) and the unread total, as this user sees them (their rights, read marks).
 * Chat rows and unread totals are read once per user and event (not per tab) and share a few pool connections.
 */
export async function rowFrames(
  deps: AppDeps,
  user: SessionUser,
  ui: Ui,
  events: AppEvent[],
  stream?: LiveStream,
): Promise<Frame[]> {
  const { inbox } = deps;
  const frames: Frame[] = [];
  const moved = new Set<number>();
  for (const event of events) {
    if (event.name !== EVENTS.messageCreated) continue;
    // Rendered already (bubbleChunks ran for this batch): only whether there was a bubble matters here.
    if (await bubbleOf(deps, ui, event)) moved.add(ids(event).chatId);
  }

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
      return item
        ? { instanceId: item.instanceId, html: await toHtml(<ChatRow ui={ui} chat={item} oob={!toTop} />) }
        : null;
    });
  };
  const movedRows = [...moved].map((chatId) => row(chatId, true));
  const touchedRows = [...touched].filter((chatId) => !moved.has(chatId)).map((chatId) => row(chatId, false));
  const unread =
    (moved.size > 0 || touched.size > 0) && before.unread !== newest
      ? memo(newest, `unread|${scope}`, () => fanoutQuery(() => unreadFrame(deps, user)))
      : null;
  for (const r of await Promise.all(movedRows))
    if (r) frames.push({ event: "chats.all", data: r.html }, { event: `chats.${r.instanceId}`, data: r.html });
  for (const r of await Promise.all(touchedRows)) if (r) frames.push({ event: "chat", data: r.html });
  if (unread) frames.push(await unread);
  if (stream) stream.sent = { rows: sentRows, unread: unread ? newest : before.unread };
  return frames;
}

/** The number of chats with unread messages, for the tab title. */
export async function unreadFrame(deps: AppDeps, user: SessionUser): Promise<Frame> {
  return { event: "unread", data: String(await deps.inbox.unreadChats(user)) };
}
