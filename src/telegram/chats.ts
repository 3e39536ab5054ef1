// Channels and groups the bot is in (telegram_chats), kept up to date from my_chat_member updates.
import { and, asc, eq, ne } from "drizzle-orm";
import type { ChatMemberUpdated } from "grammy/types";
import type { Db } from "../db/client.ts";
import { telegramChats } from "../db/schema/index.ts";

export type TelegramChatRow = typeof telegramChats.$inferSelect;

/** May the bot post here, given its membership? Channels need the admin right to post; groups any non-restricted membership. */
function canPost(type: string, member: ChatMemberUpdated["new_chat_member"]): boolean {
  switch (member.status) {
    case "creator":
      return true;
    case "administrator":
      return type !== "channel" || member.can_post_messages === true;
    case "member":
      return type !== "channel";
    case "restricted":
      return type !== "channel" && member.can_send_messages;
    default:
      return false;
  }
}

export function createChatDirectory(db: Db) {
  return {
    /** Records the bot's new membership in a channel or group (removal included: status left/kicked, canPost false). */
    async record(update: ChatMemberUpdated): Promise<TelegramChatRow | undefined> {
      const chat = update.chat;
      if (chat.type === "private") return undefined;
      const { user: _user, ...rights } = update.new_chat_member;
      const values = {
        type: chat.type,
        title: chat.title ?? null,
        username: "username" in chat ? (chat.username ?? null) : null,
        botStatus: update.new_chat_member.status,
        canPost: canPost(chat.type, update.new_chat_member),
        rights,
      };
      const [row] = await db
        .insert(telegramChats)
        .values({ id: chat.id, ...values })
        .onConflictDoUpdate({ target: telegramChats.id, set: values })
        .returning();
      return row;
    },

    /** Channels and groups the bot may post into: the choices for an instance's Telegram chat. */
    listPostable(): Promise<TelegramChatRow[]> {
      return db
        .select()
        .from(telegramChats)
        .where(and(eq(telegramChats.canPost, true), ne(telegramChats.type, "private")))
        .orderBy(asc(telegramChats.title), asc(telegramChats.id));
    },

    async get(id: number): Promise<TelegramChatRow | undefined> {
      const [row] = await db.select().from(telegramChats).where(eq(telegramChats.id, id));
      return row;
    },
  };
}

export type ChatDirectory = ReturnType<typeof createChatDirectory>;
