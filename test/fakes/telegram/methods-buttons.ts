// Inline keyboards in the fake: reply_markup checked as Telegram does, editMessageText, answerCallbackQuery.
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import { z } from "zod";
import { findChat } from "./chats.ts";
import type { MethodDef } from "./methods-send.ts";
import { badRequest, bool, chatIdParam, int, jsonish, parse } from "./params.ts";
import { formatText } from "./text.ts";
import type { World } from "./world.ts";

/** The fields of which an inline button must have exactly one (what pressing it does). */
const ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/**
 * The inline keyboard of a `reply_markup`, as the message will carry it; other markups (reply keyboards, force reply)
 * are not part of a Message and give undefined. Refusals are Telegram's.
 */
export function inlineKeyboard(markup: Record<string, unknown> | undefined): InlineKeyboardMarkup | undefined {
  if (!markup || !("inline_keyboard" in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row)))
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  for (const button of (rows as Array<Array<Record<string, unknown>>>).flat()) {
    if (typeof button !== "object" || button === null || typeof button.text !== "string")
      throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
    if (!ACTIONS.some((a) => button[a] !== undefined))
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    const data = button.callback_data;
    if (data !== undefined && (typeof data !== "string" || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64))
      throw badRequest("BUTTON_DATA_INVALID");
  }
  return { inline_keyboard: rows as InlineKeyboardButton[][] };
}

const entities = jsonish(
  z.array(z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() }).loose()),
);

const editMessageText: MethodDef = {
  handler(world, { values }) {
    const p = parse(
      z.object({
        chat_id: chatIdParam,
        message_id: int,
        text: z.string(),
        parse_mode: z.string().optional(),
        entities: entities.optional(),
        reply_markup: jsonish(z.object({}).loose()).optional(),
      }),
      values,
    );
    const chat = findChat(world, p.chat_id);
    const message = chat.messages.get(p.message_id);
    if (!message) throw badRequest("message to edit not found");
    // In a channel the bot (an admin) may edit any post; elsewhere only its own messages.
    if (chat.chat.type !== "channel" && message.from?.id !== world.botInfo.id)
      throw badRequest("message can't be edited");
    if (message.text === undefined) throw badRequest("there is no text in the message to edit");
    const { text, entities: ents } = formatText(
      p.text,
      p.parse_mode,
      p.entities as MessageEntity[] | undefined,
      4096,
      "text",
    );
    const markup = inlineKeyboard(p.reply_markup);
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    if (
      text === message.text &&
      same(ents.length ? ents : undefined, message.entities) &&
      same(markup, message.reply_markup)
    ) {
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const { entities: _e, reply_markup: _m, ...rest } = message;
    // Without reply_markup an edit removes the inline keyboard.
    const edited = {
      ...rest,
      text,
      ...(ents.length ? { entities: ents } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      edit_date: Math.floor(Date.now() / 1000),
    } as Message;
    chat.messages.set(edited.message_id, edited);
    world.edits.push({ chatId: chat.chat.id, messageId: edited.message_id, text, replyMarkup: markup, at: Date.now() });
    return edited;
  },
};

const answerCallbackQuery: MethodDef = {
  handler(world: World, { values }) {
    const p = parse(
      z.object({
        callback_query_id: z.string().min(1),
        text: z.string().optional(),
        show_alert: bool.optional(),
        url: z.string().optional(),
        cache_time: int.optional(),
      }),
      values,
    );
    if (!world.openQueries.delete(p.callback_query_id))
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    world.callbackAnswers.push({ queryId: p.callback_query_id, text: p.text, showAlert: p.show_alert, at: Date.now() });
    return true;
  },
};

export const buttonMethods: Record<string, MethodDef> = { editMessageText, answerCallbackQuery };
