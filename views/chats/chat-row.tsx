// One chat in the inbox list: avatar, name, time, preview (last message or search match), unread badge, team chips.
import type { FC } from "hono/jsx";
import type { ChatListItem } from "../../src/inbox/service.ts";
import { UNREAD_CAP } from "../../src/lib/count-caps.ts";
import { initial } from "../../src/lib/names.ts";
import { systemLineText } from "../../src/lib/system-lines.ts";
import { RowChips } from "../team/chips.tsx";
import { contactLabel, listTime, type Ui } from "./format.ts";
import { mediaLabel } from "./media.tsx";

function preview(ui: Ui, chat: ChatListItem): string {
  if (chat.match) return systemLineText(ui.t, chat.match);
  const last = chat.last;
  if (!last) return "";
  if (last.deleted) return ui.t("inbox.deleted");
  return systemLineText(ui.t, last) || (last.mediaKind ? mediaLabel(ui, last.mediaKind) : "");
}

/** One chat in the list. `oob` replaces the row already shown (live updates keep its place). */
export const ChatRow: FC<{ ui: Ui; chat: ChatListItem; oob?: boolean }> = ({ ui, chat, oob }) => {
  const label = contactLabel(ui, chat);
  const url = `/instances/${chat.instanceId}/chats/${chat.id}`;
  const many = chat.unread >= UNREAD_CAP;
  return (
    <li
      id={`chat-${chat.id}`}
      class={chat.unread > 0 ? "chat-row has-unread" : "chat-row"}
      hx-swap-oob={oob ? "true" : undefined}
    >
      <a class="chat-link" href={url} hx-get={url} hx-target="#chat-pane" hx-swap="outerHTML" hx-push-url="true">
        <span class="avatar" aria-hidden="true">
          {initial(label)}
        </span>
        <span class="chat-main">
          <span class="chat-top">
            <span class="chat-name">{label}</span>
            {chat.lastMessageAt && (
              <time datetime={chat.lastMessageAt.toISOString()}>{listTime(ui, chat.lastMessageAt)}</time>
            )}
          </span>
          <span class="chat-bottom">
            <span class="chat-preview" dir="auto">
              {preview(ui, chat)}
            </span>
            <RowChips ui={ui} chat={chat} />
            <span class="instance-badge">{chat.instanceName}</span>
            {chat.unread > 0 && (
              <span
                class="unread"
                role="img"
                aria-label={many ? ui.t("inbox.unreadMany") : ui.t("chats.unread", { count: chat.unread })}
              >
                {many ? "99+" : chat.unread}
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
};
