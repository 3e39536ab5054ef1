// The conversation pane: header with back arrow, live message list with upward infinite scroll, read marker, composer.
// On phones (public/phone.css) the header and the team bar share one row above the messages.
import type { FC } from "hono/jsx";
import type { MessageView } from "../../src/inbox/service.ts";
import { BackIcon } from "../components/icons.tsx";
import { EmptyState } from "../components/empty.tsx";
import { Bubbles, DaySeparator, type ChatContext } from "./bubble.tsx";
import { ReactionButtons } from "./bubble-menu.tsx";
import { MediaViewer } from "./viewer.tsx";
import { Composer } from "./composer.tsx";
import { TeamBarSlot } from "../team/bar.tsx";
import { contactLabel, dayKey, phoneOf, type Ui } from "./format.ts";
import { initial } from "../../src/lib/names.ts";

export interface ConversationChat {
  id: number;
  instanceId: number;
  instanceName: string;
  waChatId: string;
  name: string | null;
  /** False: the number is disabled and sends wait (a notice above the composer says so). */
  instanceEnabled?: boolean;
  /** The number's earlier phone (`wid`) when this chat was started under it, before a re-scan with another phone. */
  earlierWid?: string | null;
}

export function chatContext(ui: Ui, chat: { name: string | null; waChatId: string }): ChatContext {
  return { label: contactLabel(ui, chat), group: chat.waChatId.endsWith("@g.us") };
}

export const chatBase = (chat: { instanceId: number; id: number }) => `/instances/${chat.instanceId}/chats/${chat.id}`;
const messageListId = (chatId: number) => `msgs-${chatId}`;

/** Top of the loaded messages: loads the previous page when scrolled into view (or clicked), or marks the start. */
const Older: FC<{ ui: Ui; chat: ConversationChat; first: MessageView | undefined; more: boolean }> = ({
  ui,
  chat,
  first,
  more,
}) =>
  more && first ? (
    <li class="older">
      <button
        type="button"
        class="link-button"
        hx-get={`${chatBase(chat)}/messages?before=${first.id}`}
        hx-trigger="click, intersect once"
        hx-target="closest li"
        hx-swap="outerHTML"
      >
        {ui.t("inbox.older")}
      </button>
    </li>
  ) : (
    <li class="start muted small">{ui.t("inbox.start")}</li>
  );

/**
 * An older page, swapped in place of the "older" item: its bubbles, and when its last day continues on the page
 * already shown, the separator there is removed (the new one above takes its place).
 */
export const OlderPage: FC<{
  ui: Ui;
  chat: ConversationChat;
  messages: MessageView[];
  more: boolean;
  anchor: Date | null;
}> = ({ ui, chat, messages, more, anchor }) => {
  const last = messages.at(-1);
  const continues = anchor && last && dayKey(ui, anchor) === dayKey(ui, last.sentAt);
  return (
    <>
      {continues && <DaySeparator ui={ui} at={anchor} oobDelete />}
      <Older ui={ui} chat={chat} first={messages[0]} more={more} />
      <Bubbles ui={ui} messages={messages} chat={chatContext(ui, chat)} />
    </>
  );
};

export const ConversationPane: FC<{
  ui: Ui;
  chat: ConversationChat;
  messages: MessageView[];
  more: boolean;
  csrf: string;
  /** How often the open conversation says "I am viewing" (the presence service's interval). */
  pingMs: number;
}> = ({ ui, chat, messages, more, csrf, pingMs }) => {
  const ctx = chatContext(ui, chat);
  const base = chatBase(chat);
  const listId = messageListId(chat.id);
  const phone = phoneOf(chat.waChatId);
  return (
    <section id="chat-pane" class="inbox-chat conversation" aria-labelledby="chat-title" data-chat-url={base}>
      <header class="chat-head">
        <a
          class="icon-button back-link"
          href="/chats"
          hx-get="/chats"
          hx-target="#chat-pane"
          hx-swap="outerHTML"
          hx-push-url="true"
          aria-label={ui.t("inbox.back")}
          title={ui.t("inbox.back")}
        >
          <BackIcon />
        </a>
        <span class="avatar" aria-hidden="true">
          {initial(ctx.label)}
        </span>
        <div class="chat-head-text">
          <h2 id="chat-title">{ctx.label}</h2>
          <p class="muted small chat-sub">
            {phone !== ctx.label && <span class="chat-phone">{phone}</span>}
            <span class="number-tag">{chat.instanceName}</span>
          </p>
          {chat.earlierWid && (
            <p class="muted small earlier-number" data-earlier-number>
              {ui.t("history.earlierNumber", { number: phoneOf(chat.earlierWid) ?? chat.earlierWid })}
            </p>
          )}
          <p
            class="viewers small"
            aria-live="polite"
            hx-post={`${base}/viewing`}
            hx-trigger={`load, every ${pingMs / 1000}s`}
            hx-swap="innerHTML"
          ></p>
        </div>
      </header>
      <TeamBarSlot base={base} />
      <div class="scroller">
        <ol
          id={listId}
          class="messages"
          aria-label={ui.t("inbox.messages")}
          aria-live="polite"
          aria-relevant="additions"
          sse-swap={`msgs.${chat.id},msg.${chat.id}`}
          hx-swap="beforeend"
        >
          <Older ui={ui} chat={chat} first={messages[0]} more={more} />
          <Bubbles ui={ui} messages={messages} chat={ctx} />
        </ol>
      </div>
      <div hidden hx-post={`${base}/read`} hx-trigger="inbox:seen from:body" hx-swap="none"></div>
      {chat.instanceEnabled === false && (
        <p class="flash flash-info small composer-notice" role="status" data-instance-disabled>
          {ui.t("instances.disabledNotice")}
        </p>
      )}
      <Composer ui={ui} base={base} listId={listId} csrf={csrf} />
      <ReactionButtons ui={ui} />
      <MediaViewer ui={ui} />
    </section>
  );
};

/** The right-hand pane when no chat is open (desktop); hidden on phones, where the list fills the screen. */
export const NoChatPane: FC<{ ui: Ui }> = ({ ui }) => (
  <section id="chat-pane" class="inbox-chat no-chat">
    <EmptyState title={ui.t("inbox.pick")} hint={ui.t("inbox.pickHint")} />
  </section>
);
