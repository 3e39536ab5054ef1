// Control API of the fake (in-process object, mirrored as POST /__control/<name> with a JSON array of arguments).
import type { Chat, ChatMember, Message, ReactionTypeEmoji, Update, User } from "grammy/types";
import type { z } from "zod";
import { chatInput, messageInput, type UserMessageInput } from "./inputs.ts";
import { buttonData, sendCallback } from "./callbacks.ts";
import { copyToDiscussion, discussionCopyOf, findChat } from "./chats.ts";
import { commandEntities, userEdit } from "./edits.ts";
import { mediaField, storeFile } from "./files.ts";
import {
  pushUpdate,
  shallow,
  storeMessage,
  type CallbackAnswerRecord,
  type EditRecord,
  type FakeChat,
  type Faults,
  type ReactionRecord,
  type RequestRecord,
  type SentRecord,
  type World,
} from "./world.ts";

let nextChatNo = 1_000_000_001;
let nextUserId = 100_000_001;

export function createControl(world: World) {
  const left = (user: User): ChatMember => ({ status: "left", user });
  const botMember = (status: ChatMember["status"], canPost: boolean): ChatMember =>
    status === "administrator"
      ? ({
          status,
          user: {
            id: world.botInfo.id,
            is_bot: true,
            first_name: world.botInfo.first_name,
            username: world.botInfo.username,
          },
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_post_messages: canPost,
          can_edit_messages: canPost,
        } as ChatMember)
      : ({
          status,
          user: {
            id: world.botInfo.id,
            is_bot: true,
            first_name: world.botInfo.first_name,
            username: world.botInfo.username,
          },
        } as ChatMember);

  function privateChat(userId: number): FakeChat {
    const user = world.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}`);
    let chat = world.chats.get(userId);
    if (!chat) {
      const c: Chat = {
        id: userId,
        type: "private",
        first_name: user.first_name,
        ...(user.username ? { username: user.username } : {}),
      } as Chat;
      chat = { chat: c, bot: botMember("member", true), members: new Map(), messages: new Map(), nextMessageId: 1 };
      world.chats.set(userId, chat);
    }
    return chat;
  }

  function changeBot(chatId: number, next: ChatMember, by: number | undefined): Update {
    const chat = findChat(world, chatId);
    const from = world.users.get(
      by ?? [...chat.members.values()].find((m) => m.status === "creator")?.user.id ?? 0,
    ) ?? { id: 1, is_bot: false, first_name: "Owner" };
    const old = chat.bot;
    chat.bot = next;
    return pushUpdate(world, {
      my_chat_member: {
        chat: chat.chat,
        from,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: old,
        new_chat_member: next,
      },
    });
  }

  return {
    createUser(input: {
      id?: number;
      firstName: string;
      lastName?: string;
      username?: string;
      languageCode?: string;
    }): User {
      const user: User = {
        id: input.id ?? nextUserId++,
        is_bot: false,
        first_name: input.firstName,
        ...(input.lastName ? { last_name: input.lastName } : {}),
        ...(input.username ? { username: input.username } : {}),
        ...(input.languageCode ? { language_code: input.languageCode } : {}),
      };
      world.users.set(user.id, user);
      return user;
    },
    /** A group, supergroup or channel (ids: -N for groups, -100N for supergroups and channels); the bot is not in it yet. */
    createChat(input: z.input<typeof chatInput>): number {
      const c = chatInput.parse(input);
      const id = c.id ?? (c.type === "group" ? -(nextChatNo++ % 1_000_000_000) : -(1_000_000_000_000 + nextChatNo++));
      const chat: Chat = {
        id,
        type: c.type,
        title: c.title,
        ...(c.username ? { username: c.username } : {}),
        ...(c.linkedChatId ? { linked_chat_id: c.linkedChatId } : {}),
      } as Chat;
      world.chats.set(id, {
        chat,
        bot: left({ id: world.botInfo.id, is_bot: true, first_name: world.botInfo.first_name }),
        members: new Map(),
        messages: new Map(),
        nextMessageId: 1,
      });
      if (c.linkedChatId) {
        const other = world.chats.get(c.linkedChatId);
        if (other) (other.chat as Chat & { linked_chat_id?: number }).linked_chat_id = id;
      }
      return id;
    },
    /** Adds a user to a chat (creator, administrator, member…). */
    addMember(chatId: number, userId: number, status: "creator" | "administrator" | "member" = "member") {
      const user = world.users.get(userId);
      if (!user) throw new Error(`unknown user ${userId}`);
      findChat(world, chatId).members.set(userId, {
        status,
        user,
        ...(status === "creator" ? { is_anonymous: false } : {}),
      } as ChatMember);
    },
    /** The bot is made admin (channel: may post unless canPost false) or member: a my_chat_member update. */
    addBot(chatId: number, opts: { status?: "administrator" | "member"; canPost?: boolean; by?: number } = {}): Update {
      return changeBot(chatId, botMember(opts.status ?? "administrator", opts.canPost ?? true), opts.by);
    },
    /** The bot is removed (left) or banned (kicked): a my_chat_member update. */
    removeBot(chatId: number, opts: { kicked?: boolean; by?: number } = {}): Update {
      return changeBot(
        chatId,
        {
          ...botMember(opts.kicked ? "kicked" : "left", false),
          ...(opts.kicked ? { until_date: 0 } : {}),
        } as ChatMember,
        opts.by,
      );
    },
    /** The user presses START (deep link payload optional): a private `/start <payload>` message. */
    start(userId: number, payload?: string): Message {
      const chat = privateChat(userId);
      chat.started = true;
      chat.bot = botMember("member", true);
      const text = payload ? `/start ${payload}` : "/start";
      const message = storeMessage(chat, {
        from: world.users.get(userId)!,
        text,
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      } as Omit<Message, "message_id" | "date" | "chat">);
      pushUpdate(world, { message });
      return message;
    },
    /** The user blocks the bot (private my_chat_member member → kicked). */
    blockBot(userId: number): Update {
      const chat = privateChat(userId);
      chat.started = false;
      const next = { ...botMember("kicked", false), until_date: 0 } as ChatMember;
      const old = chat.bot;
      chat.bot = next;
      return pushUpdate(world, {
        my_chat_member: {
          chat: chat.chat,
          from: world.users.get(userId)!,
          date: Math.floor(Date.now() / 1000),
          old_chat_member: old,
          new_chat_member: next,
        },
      });
    },
    /** A user writes in a group or private chat, optionally replying or sending a file: a `message` update. */
    userMessage(input: UserMessageInput): Message {
      const m = messageInput.parse(input);
      const chat = m.chatId > 0 ? privateChat(m.chatId) : findChat(world, m.chatId);
      if (chat.chat.type === "channel") throw new Error("users cannot write in a channel; use channelPost");
      const from = world.users.get(m.userId);
      if (!from) throw new Error(`unknown user ${m.userId}`);
      const reply = m.replyTo === undefined ? undefined : chat.messages.get(m.replyTo);
      if (m.replyTo !== undefined && !reply) throw new Error(`no message ${m.replyTo} in chat ${m.chatId}`);
      const file = m.file ? storeFile(world, m.file.kind, m.file.bytes, m.file.mimeType, m.file.fileName) : undefined;
      const message = storeMessage(chat, {
        from,
        ...(m.threadId !== undefined ? { message_thread_id: m.threadId } : {}),
        ...(reply ? { reply_to_message: shallow(reply) } : {}),
        ...(m.text !== undefined ? { text: m.text, ...commandEntities(m.text) } : {}),
        ...(file ? mediaField(m.file!.kind, file) : {}),
        ...(m.caption ? { caption: m.caption } : {}),
      } as Omit<Message, "message_id" | "date" | "chat">);
      pushUpdate(world, { message });
      return message;
    },
    /**
     * A member changes their reaction to a message of a group (`emojis`: the reactions now set; `[]` takes them back): a
     * `message_reaction` update, delivered only when the bot asked for it in allowed_updates (as Telegram does).
     */
    userReaction(input: {
      chatId: number;
      userId: number;
      messageId: number;
      emojis: string[];
      old?: string[];
    }): Update {
      const chat = findChat(world, input.chatId);
      if (chat.chat.type === "channel") throw new Error("reactions in a channel are anonymous: no message_reaction");
      if (!chat.messages.has(input.messageId)) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
      const user = world.users.get(input.userId);
      if (!user) throw new Error(`unknown user ${input.userId}`);
      const emoji = (e: string) => ({ type: "emoji" as const, emoji: e }) as ReactionTypeEmoji;
      return pushUpdate(world, {
        message_reaction: {
          chat: chat.chat,
          message_id: input.messageId,
          user,
          date: Math.floor(Date.now() / 1000),
          old_reaction: (input.old ?? []).map(emoji),
          new_reaction: input.emojis.map(emoji),
        },
      });
    },
    /** An admin posts in a channel (optionally replying to an earlier post): a `channel_post` update, copied to the discussion group. */
    channelPost(input: { chatId: number; text: string; replyTo?: number; authorSignature?: string }): Message {
      const chat = findChat(world, input.chatId);
      const reply = input.replyTo === undefined ? undefined : chat.messages.get(input.replyTo);
      const message = storeMessage(chat, {
        sender_chat: chat.chat,
        text: input.text,
        ...commandEntities(input.text),
        ...(input.authorSignature ? { author_signature: input.authorSignature } : {}),
        ...(reply ? { reply_to_message: shallow(reply) } : {}),
      } as Omit<Message, "message_id" | "date" | "chat">);
      pushUpdate(world, { channel_post: message });
      copyToDiscussion(world, chat, message);
      return message;
    },
    /** The author edits their message (a channel post: its admins): `edited_message` or `edited_channel_post`. */
    userEdit: (input: { chatId: number; messageId: number; text: string }): Message => userEdit(world, input),
    /**
     * The user presses the button labelled `button` (its text, or its callback_data) under the bot's message: a
     * `callback_query` update. In a private chat the user is the chat's. Returns the query id.
     */
    pressButton(chatId: number, messageId: number, button: string, userId = chatId): string {
      const message = findChat(world, chatId).messages.get(messageId);
      if (!message) throw new Error(`no message ${messageId} in chat ${chatId}`);
      return sendCallback(world, { chatId, messageId, userId, data: buttonData(message, button) });
    },
    /** A client sends callback data of its own choosing for a message it sees (as modified clients can). */
    sendCallback: (input: { chatId: number; messageId: number; userId: number; data: string }): string =>
      sendCallback(world, input),
    /** The bot's answers to button presses, in order. */
    callbackAnswers: (): CallbackAnswerRecord[] => [...world.callbackAnswers],
    /** Presses the bot has not answered yet. */
    openCallbackQueries: (): string[] => [...world.openQueries],
    /** The bot's editMessageText calls, in order (one chat or all). */
    edits: (chatId?: number): EditRecord[] => world.edits.filter((e) => chatId === undefined || e.chatId === chatId),
    /** The discussion-group copy of a channel post (reply to it to comment). */
    discussionCopyOf: (channelId: number, postId: number): Message | undefined =>
      discussionCopyOf(world, channelId, postId),
    /** What the bot sent, in order (one chat or all). */
    sent: (chatId?: number): SentRecord[] => world.sent.filter((s) => chatId === undefined || s.chatId === chatId),
    messages: (chatId: number): Message[] => [...findChat(world, chatId).messages.values()],
    /** Reactions the bot set, in order (one chat or all). */
    reactions: (chatId?: number): ReactionRecord[] =>
      world.reactions.filter((r) => chatId === undefined || r.chatId === chatId),
    fileBytes: (fileId: string): Uint8Array | undefined => world.files.get(fileId)?.bytes,
    /** next500: N JSON 500s; downForMs: 502 pages for that long; dropNext: N reset connections; latencyMs. */
    faults(input: { next500?: number; downForMs?: number; dropNext?: number; latencyMs?: number }): Faults {
      const f = world.faults;
      if (input.next500 !== undefined) f.next500 = input.next500;
      if (input.downForMs !== undefined) f.downUntil = Date.now() + input.downForMs;
      if (input.dropNext !== undefined) f.dropNext = input.dropNext;
      if (input.latencyMs !== undefined) f.latencyMs = input.latencyMs;
      return { ...f };
    },
    /** 429s answered so far. */
    violations: (): number => world.limiter.violations(),
    requests: (): RequestRecord[] => [...world.requests],
    pendingUpdates: (): number => world.updates.length,
  };
}

export type FakeTelegramControl = ReturnType<typeof createControl>;
