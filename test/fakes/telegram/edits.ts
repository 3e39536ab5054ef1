// Edits in the fake: a user (or a channel admin) edits their message (edited_message / edited_channel_post updates),
// the bot edits a caption (editMessageCaption); and the bot_command entity Telegram adds to "/command" texts.
import type { Message, MessageEntity } from "grammy/types";
import { z } from "zod";
import { findChat } from "./chats.ts";
import type { MethodDef } from "./methods-send.ts";
import { badRequest, chatIdParam, int, jsonish, parse } from "./params.ts";
import { formatText } from "./text.ts";
import { pushUpdate, type World } from "./world.ts";

/** `entities` with the leading bot_command, as Telegram sets it on a text starting with "/name" (else nothing). */
export function commandEntities(text: string): { entities?: MessageEntity[] } {
  const m = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
  return m ? { entities: [{ type: "bot_command", offset: 0, length: m[0].length }] } : {};
}

/** Its author edits a message's text: the stored message changes and an edit update is queued. */
export function userEdit(world: World, input: { chatId: number; messageId: number; text: string }): Message {
  const chat = findChat(world, input.chatId);
  const message = chat.messages.get(input.messageId);
  if (!message) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
  if (message.from?.id === world.botInfo.id) throw new Error("the bot's messages are edited through the Bot API");
  const { entities: _e, ...rest } = message;
  const base = { ...rest, edit_date: Math.floor(Date.now() / 1000) };
  // A file's text is its caption.
  const edited = (
    message.text === undefined
      ? { ...base, caption: input.text }
      : { ...base, text: input.text, ...commandEntities(input.text) }
  ) as Message;
  chat.messages.set(edited.message_id, edited);
  pushUpdate(world, chat.chat.type === "channel" ? { edited_channel_post: edited } : { edited_message: edited });
  return edited;
}

const entities = jsonish(
  z.array(z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() }).loose()),
);

/** The bot edits a file's caption (recorded with the edits, the caption as their text). */
const editMessageCaption: MethodDef = {
  handler(world, { values }) {
    const p = parse(
      z.object({
        chat_id: chatIdParam,
        message_id: int,
        caption: z.string().optional(),
        parse_mode: z.string().optional(),
        caption_entities: entities.optional(),
      }),
      values,
    );
    const chat = findChat(world, p.chat_id);
    const message = chat.messages.get(p.message_id);
    if (!message) throw badRequest("message to edit not found");
    if (chat.chat.type !== "channel" && message.from?.id !== world.botInfo.id)
      throw badRequest("message can't be edited");
    if (message.text !== undefined) throw badRequest("there is no caption in the message to edit");
    const { text, entities: ents } = formatText(
      p.caption ?? "",
      p.parse_mode,
      p.caption_entities as MessageEntity[] | undefined,
      1024,
      "caption",
    );
    if (text === (message.caption ?? "")) throw badRequest("message is not modified");
    const { caption_entities: _c, ...rest } = message;
    const edited = {
      ...rest,
      caption: text,
      ...(ents.length ? { caption_entities: ents } : {}),
      edit_date: Math.floor(Date.now() / 1000),
    } as Message;
    chat.messages.set(edited.message_id, edited);
    world.edits.push({ chatId: chat.chat.id, messageId: edited.message_id, text, at: Date.now() });
    return edited;
  },
};

export const editMethods: Record<string, MethodDef> = { editMessageCaption };
