// One message as WhatsApp shows it: bubble by direction, sender, quote strip, media, text, time, ticks, reactions, actions.
import type { FC } from "hono/jsx";
import type { MessageView } from "../../src/inbox/service.ts";
import { dayKey, dayLabel, phoneOf, timeOf, type Ui } from "./format.ts";
import { shorten } from "../../src/lib/names.ts";
import { sendFailureText } from "../../src/lib/sending.ts";
import { systemLineText } from "../../src/lib/system-lines.ts";
import { Media, mediaLabel } from "./media.tsx";
import { Actions } from "./bubble-menu.tsx";
import { SendProgress, Ticks } from "./bubble-status.tsx";

/** What a bubble needs to know about its chat. */
export interface ChatContext {
  label: string;
  group: boolean;
}

/** Who sent an outgoing message (which manager, "via Telegram", "from the phone"), or a group member for incoming. */
function senderLabel(ui: Ui, m: MessageView, chat: ChatContext): string | null {
  if (m.direction === "in") return chat.group ? memberLabel(ui, m) : null;
  if (m.direction !== "out") return null;
  switch (m.via) {
    case "telegram":
      return m.senderName ? ui.t("inbox.via.telegram", { name: m.senderName }) : ui.t("inbox.via.telegramAnon");
    case "phone":
      return ui.t("inbox.via.phone");
    case "api":
      return ui.t("inbox.via.api");
    case "auto":
      return ui.t("inbox.via.auto");
    default:
      return m.senderName ?? ui.t("inbox.team");
  }
}

/** A group member as the group shows them: their name, else their number, else "unknown". */
function memberLabel(ui: Ui, m: Pick<MessageView, "senderName" | "senderId">): string {
  return m.senderName?.trim() || (m.senderId && phoneOf(m.senderId)) || ui.t("inbox.unknownContact");
}

/** Short text of a message for quotes and previews (a location, contact, poll… in the reader's language). */
function snippet(ui: Ui, m: Pick<MessageView, "text" | "event"> & { mediaKind: string | null }): string {
  return shorten(systemLineText(ui.t, m), 140) || (m.mediaKind ? mediaLabel(ui, m.mediaKind) : "");
}

const Quote: FC<{ ui: Ui; m: MessageView; chat: ChatContext }> = ({ ui, m, chat }) => {
  const q = m.quoted?.message;
  if (!q) return <div class="quote quote-missing">{ui.t("inbox.quoteMissing")}</div>;
  const who = q.direction === "in" ? (chat.group && q.senderName) || chat.label : (q.senderName ?? ui.t("inbox.team"));
  return (
    <div class={`quote quote-${q.direction}`}>
      <b>{who}</b>
      <span>{q.deleted && !ui.isAdmin ? ui.t("inbox.deleted") : snippet(ui, q)}</span>
    </div>
  );
};

const Body: FC<{ ui: Ui; m: MessageView }> = ({ ui, m }) => {
  if (m.deletedAt && !ui.isAdmin) return <p class="msg-deleted">{ui.t("inbox.deleted")}</p>;
  // A location, contact, poll… is stored as a code: our label in the reader's language, the customer's words as sent.
  const text = systemLineText(ui.t, m);
  return (
    <>
      {m.deletedAt && (
        <p class="msg-deleted">
          {ui.t("inbox.deleted")} · {ui.t("inbox.deletedAdmin")}
        </p>
      )}
      {m.media && <Media ui={ui} m={m} />}
      {text && (
        <p class={m.deletedAt ? "msg-text msg-text-deleted" : "msg-text"} dir="auto">
          {text}
        </p>
      )}
    </>
  );
};

/** A message bubble; `oob` makes it replace the bubble already on the page (live updates). */
export const Bubble: FC<{ ui: Ui; m: MessageView; chat: ChatContext; oob?: boolean }> = ({ ui, m, chat, oob }) => {
  const id = `m-${m.id}`;
  const swap = oob ? "true" : undefined;
  if (m.direction === "system") {
    return (
      <li id={id} class="msg msg-system" hx-swap-oob={swap}>
        <p class="system-line">
          {systemLineText(ui.t, m)} · <time datetime={m.sentAt.toISOString()}>{timeOf(ui, m.sentAt)}</time>
        </p>
      </li>
    );
  }
  const sender = senderLabel(ui, m, chat);
  const who = m.direction === "in" ? (sender ?? chat.label) : (sender ?? ui.t("inbox.team"));
  const base = `/instances/${m.instanceId}/chats/${m.chatId}/messages/${m.id}`;
  return (
    <li id={id} class={`msg msg-${m.direction}`} hx-swap-oob={swap}>
      <div class="bubble">
        {m.direction === "note" && (
          <p class="msg-sender">
            {ui.t("inbox.note")}
            {m.senderName ? ` · ${m.senderName}` : ""}
          </p>
        )}
        {sender && <p class="msg-sender">{sender}</p>}
        {m.quoted && <Quote ui={ui} m={m} chat={chat} />}
        <Body ui={ui} m={m} />
        <p class="msg-meta">
          {m.editedAt && !m.deletedAt && <span class="edited">{ui.t("inbox.edited")}</span>}
          <time datetime={m.sentAt.toISOString()}>{timeOf(ui, m.sentAt)}</time>
          {m.direction === "out" && <SendProgress ui={ui} m={m} />}
          {m.direction === "out" && m.status && <Ticks ui={ui} status={m.status} />}
        </p>
        {(m.status === "failed" || m.status === "unknown") && (
          <p class="msg-error">
            {m.status === "failed"
              ? ui.t("inbox.failed", { reason: sendFailureText(ui.t, m.failReason) })
              : ui.t("inbox.unknown")}{" "}
            <button
              type="button"
              class="link-button"
              hx-post={`${base}/resend`}
              hx-target={`#${id}`}
              hx-swap="outerHTML"
            >
              {ui.t("inbox.resend")}
            </button>
          </p>
        )}
      </div>
      {m.reactions.length > 0 && (
        <ul class="reactions" aria-label={ui.t("inbox.reactions")}>
          {m.reactions.map((r) => (
            <li>
              {r.emoji}
              {r.count > 1 && <span>{r.count}</span>}
            </li>
          ))}
        </ul>
      )}
      <Actions
        ui={ui}
        m={m}
        who={who}
        replyText={snippet(ui, { text: m.text, event: m.event, mediaKind: m.media?.kind ?? null })}
        base={base}
      />
    </li>
  );
};

/** The bubble turned into an inline editor of its text (Escape or Cancel puts the bubble back). */
export const EditBubble: FC<{ ui: Ui; m: MessageView; error?: string }> = ({ ui, m, error }) => {
  const base = `/instances/${m.instanceId}/chats/${m.chatId}/messages/${m.id}`;
  return (
    <li id={`m-${m.id}`} class="msg msg-out msg-editing">
      <form class="bubble edit-form" hx-post={`${base}/edit`} hx-target={`#m-${m.id}`} hx-swap="outerHTML">
        <label class="visually-hidden" for={`edit-${m.id}`}>
          {ui.t("inbox.editLabel")}
        </label>
        <textarea id={`edit-${m.id}`} name="text" rows={3} maxlength={20000} required autofocus dir="auto">
          {m.text ?? ""}
        </textarea>
        {error && (
          <p class="msg-error" role="alert">
            {error}
          </p>
        )}
        <p class="edit-actions">
          <button type="button" class="button" hx-get={base} hx-target={`#m-${m.id}`} hx-swap="outerHTML">
            {ui.t("inbox.cancel")}
          </button>
          <button type="submit" class="button primary">
            {ui.t("inbox.save")}
          </button>
        </p>
      </form>
    </li>
  );
};

export const DaySeparator: FC<{ ui: Ui; at: Date; oobDelete?: boolean }> = ({ ui, at, oobDelete }) => (
  <li id={`day-${dayKey(ui, at)}`} class="day" hx-swap-oob={oobDelete ? "delete" : undefined}>
    <span>{dayLabel(ui, at)}</span>
  </li>
);

/** Bubbles with a day separator before the first message of each day (`afterDay`: the day of the message before them). */
export const Bubbles: FC<{ ui: Ui; messages: MessageView[]; chat: ChatContext; afterDay?: string | null }> = ({
  ui,
  messages,
  chat,
  afterDay,
}) => {
  let day = afterDay ?? null;
  return (
    <>
      {messages.map((m) => {
        const key = dayKey(ui, m.sentAt);
        const separator = key !== day ? <DaySeparator ui={ui} at={m.sentAt} /> : null;
        day = key;
        return (
          <>
            {separator}
            <Bubble ui={ui} m={m} chat={chat} />
          </>
        );
      })}
    </>
  );
};
