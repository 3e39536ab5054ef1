// The chat list (the conversation view arrives with the inbox issue).
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/lib/context.ts";
import type { ChatListItem } from "../../src/inbox/service.ts";
import { formatRelative } from "../../src/lib/i18n.ts";
import { EmptyState } from "../components/empty.tsx";

export const ChatsPage: FC<{ chats: ChatListItem[]; title: string }> = ({ chats, title }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  return (
    <>
      <h1>{title}</h1>
      {chats.length === 0 ? (
        <EmptyState title={t("chats.empty")} hint={t("chats.emptyHint")} />
      ) : (
        <ul class="chat-list" aria-label={t("chats.title")}>
          {chats.map((chat) => (
            <li class="chat-row">
              <span class="avatar" aria-hidden="true">{(chat.name ?? chat.waChatId).slice(0, 1).toUpperCase()}</span>
              <span class="chat-main">
                <span class="chat-name">{chat.name ?? `+${chat.waChatId.replace(/@.*/, "")}`}</span>
                <span class="muted small">{chat.instanceName}</span>
              </span>
              <span class="chat-meta">
                {chat.lastMessageAt && <time datetime={chat.lastMessageAt.toISOString()}>{formatRelative(locale, chat.lastMessageAt)}</time>}
                {chat.unreadCount > 0 && <span class="unread" aria-label={t("chats.unread", { count: chat.unreadCount })}>{chat.unreadCount}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
};
