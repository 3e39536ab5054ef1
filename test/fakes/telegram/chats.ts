// Chat rules of the fake: lookup by id or @username, who may post where, and channel posts copied into the discussion group.
import type { Message } from "grammy/types";
import { BotApiError, badRequest } from "./params.ts";
import { pushUpdate, storeMessage, type FakeChat, type World } from "./world.ts";

export function findChat(world: World, chatId: number | string): FakeChat {
  const chat =
    typeof chatId === "number"
      ? world.chats.get(chatId)
      : [...world.chats.values()].find(
          (c) => c.chat.type !== "private" && `@${c.chat.username ?? ""}`.toLowerCase() === chatId.toLowerCase(),
        );
  if (chat) return chat;
  const user = typeof chatId === "number" ? world.users.get(chatId) : undefined;
  // A known user who never pressed START: the chat exists, but the bot may not write first.
  if (user)
    return {
      chat: { id: user.id, type: "private", first_name: user.first_name },
      bot: { status: "member", user },
      members: new Map(),
      messages: new Map(),
      nextMessageId: 1,
    };
  throw badRequest("chat not found");
}

/** The refusals Telegram gives a bot that may not post into a chat. */
export function assertCanPost(chat: FakeChat): void {
  const kind = chat.chat.type === "channel" ? "channel" : chat.chat.type === "supergroup" ? "supergroup" : "group";
  const status = chat.bot.status;
  if (chat.chat.type === "private") {
    if (status === "kicked") throw new BotApiError(403, "Forbidden: bot was blocked by the user");
    if (!chat.started) throw new BotApiError(403, "Forbidden: bot can't initiate conversation with a user");
    return;
  }
  if (status === "kicked") throw new BotApiError(403, `Forbidden: bot was kicked from the ${kind} chat`);
  if (status === "left") throw new BotApiError(403, `Forbidden: bot is not a member of the ${kind} chat`);
  if (kind === "channel" && !(chat.bot.status === "administrator" && chat.bot.can_post_messages)) {
    throw badRequest("need administrator rights in the channel chat");
  }
  if (status === "restricted" && !chat.bot.can_send_messages)
    throw badRequest("not enough rights to send text messages to the chat");
}

/** A channel post is copied into the linked discussion group (an automatic forward from 777000). */
export function copyToDiscussion(world: World, channel: FakeChat, post: Message): Message | undefined {
  const groupId = channel.chat.linked_chat_id;
  const group = groupId === undefined ? undefined : world.chats.get(groupId);
  if (!group) return undefined;
  const {
    message_id: _id,
    date: _date,
    chat: _chat,
    reply_to_message: _reply,
    ...content
  } = post as Message & { reply_to_message?: unknown };
  const copy = storeMessage(group, {
    ...content,
    from: { id: 777000, is_bot: false, first_name: "Telegram" },
    sender_chat: channel.chat,
    is_automatic_forward: true,
    forward_origin: {
      type: "channel",
      chat: channel.chat,
      message_id: post.message_id,
      date: post.date,
      ...(post.author_signature ? { author_signature: post.author_signature } : {}),
    },
  } as Omit<Message, "message_id" | "date" | "chat">);
  pushUpdate(world, { message: copy });
  return copy;
}

/** The group copy of a channel post, if the channel has a discussion group. */
export function discussionCopyOf(world: World, channelId: number, postId: number): Message | undefined {
  const group = world.chats.get(findChat(world, channelId).chat.linked_chat_id ?? 0);
  return [...(group?.messages.values() ?? [])].find(
    (m) =>
      m.forward_origin?.type === "channel" &&
      m.forward_origin.chat.id === channelId &&
      m.forward_origin.message_id === postId,
  );
}
