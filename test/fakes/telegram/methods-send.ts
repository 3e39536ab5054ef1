// Sending methods of the fake: sendMessage, sendPhoto/Video/Audio/Voice/Document/Sticker (with inline keyboards) and setMessageReaction.
import type { Message, MessageEntity } from "grammy/types";
import { z } from "zod";
import { assertCanPost, copyToDiscussion, findChat } from "./chats.ts";
import { FILE_KINDS, mediaField, resolveInputFile, type FileKind } from "./files.ts";
import { inlineKeyboard } from "./methods-buttons.ts";
import { badRequest, bool, chatIdParam, int, jsonish, parse, type Params } from "./params.ts";
import { formatText } from "./text.ts";
import { botUser, shallow, storeMessage, type FakeChat, type SentRecord, type World } from "./world.ts";

export interface MethodDef {
  /** Counted by flood control. */
  send?: boolean;
  handler(world: World, params: Params, req: Request): unknown;
}

const entities = jsonish(
  z.array(z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() }).loose()),
);
const replyParameters = jsonish(
  z.object({ message_id: int, chat_id: chatIdParam.optional(), allow_sending_without_reply: bool.optional() }).loose(),
);
const common = {
  chat_id: chatIdParam,
  parse_mode: z.string().optional(),
  reply_parameters: replyParameters.optional(),
  reply_to_message_id: int.optional(),
  allow_sending_without_reply: bool.optional(),
  message_thread_id: int.optional(),
  reply_markup: jsonish(z.object({}).loose()).optional(),
};

/** The replied-to message, per reply_parameters (or the old reply_to_message_id when those are absent). */
function replyTarget(
  chat: FakeChat,
  p: {
    reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean };
    reply_to_message_id?: number;
    allow_sending_without_reply?: boolean;
  },
) {
  const id = p.reply_parameters?.message_id ?? p.reply_to_message_id;
  if (id === undefined) return undefined;
  const target = chat.messages.get(id);
  const allow = p.reply_parameters ? p.reply_parameters.allow_sending_without_reply : p.allow_sending_without_reply;
  if (!target && !allow) throw badRequest("message to be replied not found");
  return target;
}

/** Stores the bot's message, records it for tests, copies channel posts into the discussion group. */
function post(
  world: World,
  chat: FakeChat,
  method: string,
  content: Partial<Message>,
  reply: Message | undefined,
  threadId: number | undefined,
  extra: Partial<SentRecord>,
): Message {
  const author = chat.chat.type === "channel" ? { sender_chat: chat.chat } : { from: botUser(world) };
  const message = storeMessage(chat, {
    ...author,
    ...(threadId !== undefined && chat.chat.type === "supergroup" ? { message_thread_id: threadId } : {}),
    ...(reply ? { reply_to_message: shallow(reply) } : {}),
    ...content,
  } as Omit<Message, "message_id" | "date" | "chat">);
  world.sent.push({
    method,
    chatId: chat.chat.id,
    messageId: message.message_id,
    replyTo: reply?.message_id,
    threadId,
    at: Date.now(),
    ...extra,
  });
  if (chat.chat.type === "channel") copyToDiscussion(world, chat, message);
  return message;
}

const sendMessage: MethodDef = {
  send: true,
  handler(world, { values }) {
    const p = parse(z.object({ ...common, text: z.string(), entities: entities.optional() }), values);
    const chat = findChat(world, p.chat_id);
    assertCanPost(chat);
    const { text, entities: ents } = formatText(
      p.text,
      p.parse_mode,
      p.entities as MessageEntity[] | undefined,
      4096,
      "text",
    );
    const reply = replyTarget(chat, p);
    const markup = inlineKeyboard(p.reply_markup);
    return post(
      world,
      chat,
      "sendMessage",
      { text, ...(ents.length ? { entities: ents } : {}), ...(markup ? { reply_markup: markup } : {}) },
      reply,
      p.message_thread_id,
      {
        text,
        entities: ents,
        parseMode: p.parse_mode,
        replyMarkup: markup,
      },
    );
  },
};

function sendFile(kind: FileKind, method: string): MethodDef {
  return {
    send: true,
    async handler(world, { values, files }) {
      const p = parse(
        z.object({ ...common, caption: z.string().optional(), caption_entities: entities.optional() }),
        values,
      );
      const chat = findChat(world, p.chat_id);
      assertCanPost(chat);
      const caption =
        p.caption && kind !== "sticker"
          ? formatText(p.caption, p.parse_mode, p.caption_entities as MessageEntity[] | undefined, 1024, "caption")
          : undefined;
      const reply = replyTarget(chat, p);
      const markup = inlineKeyboard(p.reply_markup);
      const { file, uploaded } = await resolveInputFile(world, kind, values[kind], files);
      const content = {
        ...mediaField(kind, file),
        ...(caption?.text ? { caption: caption.text } : {}),
        ...(caption?.entities.length ? { caption_entities: caption.entities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      };
      return post(world, chat, method, content, reply, p.message_thread_id, {
        caption: caption?.text,
        entities: caption?.entities,
        parseMode: p.parse_mode,
        replyMarkup: markup,
        file: {
          kind,
          fileId: file.fileId,
          fileName: file.fileName,
          mimeType: file.mimeType,
          size: file.bytes.length,
          uploaded,
        },
      });
    },
  };
}

/** The 73 emoji a bot may react with (no U+FE0F anywhere). */
const REACTION_EMOJI = new Set(
  "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡".split(
    " ",
  ),
);

const setMessageReaction: MethodDef = {
  handler(world, { values }) {
    const p = parse(
      z.object({
        chat_id: chatIdParam,
        message_id: int,
        reaction: jsonish(z.array(z.object({ type: z.string(), emoji: z.string().optional() }).loose())).optional(),
        is_big: bool.optional(),
      }),
      values,
    );
    const chat = findChat(world, p.chat_id);
    if (!chat.messages.has(p.message_id)) throw badRequest("MESSAGE_ID_INVALID");
    const reaction = p.reaction ?? [];
    if (reaction.length > 1) throw badRequest("REACTIONS_TOO_MANY");
    if (reaction.some((r) => r.type !== "emoji" || !REACTION_EMOJI.has(r.emoji ?? "")))
      throw badRequest("REACTION_INVALID");
    world.reactions.push({
      chatId: chat.chat.id,
      messageId: p.message_id,
      emojis: reaction.map((r) => r.emoji!),
      at: Date.now(),
    });
    return true;
  },
};

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export const sendMethods: Record<string, MethodDef> = {
  sendMessage,
  ...Object.fromEntries(FILE_KINDS.map((kind) => [`send${capital(kind)}`, sendFile(kind, `send${capital(kind)}`)])),
  setMessageReaction,
};
