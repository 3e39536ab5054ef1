// Button presses in the fake: a callback_query update as a Telegram client makes it, and the bot's answers to them.
import type { Message } from "grammy/types";
import { findChat } from "./chats.ts";
import { pushUpdate, type World } from "./world.ts";

/** chat_instance: a stable id per chat (Telegram's is an opaque signed 64-bit number). */
const chatInstance = (world: World, chatId: number) =>
  String(BigInt.asIntN(64, BigInt(chatId) * 6364136223846793005n + BigInt(world.botInfo.id)));

/** A fresh callback query id (Telegram's are long digit strings). */
const queryId = () => String(crypto.getRandomValues(new BigUint64Array(1))[0]! >> 1n);

/**
 * `userId` presses a button with `data` under the bot's message: a `callback_query` update carrying the message as it is
 * now. The data is not checked against the keyboard: a client can send any (see `pressButton` for a real press).
 */
export function sendCallback(
  world: World,
  input: { chatId: number; messageId: number; userId: number; data: string },
): string {
  const chat = findChat(world, input.chatId);
  const message = chat.messages.get(input.messageId);
  if (!message) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
  const from = world.users.get(input.userId);
  if (!from) throw new Error(`unknown user ${input.userId}`);
  if (chat.chat.type === "private" && chat.chat.id !== input.userId)
    throw new Error("only the chat's own user can press buttons in a private chat");
  const id = queryId();
  world.openQueries.add(id);
  pushUpdate(world, {
    callback_query: { id, from, message, chat_instance: chatInstance(world, chat.chat.id), data: input.data },
  });
  return id;
}

/** The callback_data of the button labelled `label` (or whose data is `label`) on the message's inline keyboard. */
export function buttonData(message: Message, label: string): string {
  const button = message.reply_markup?.inline_keyboard
    .flat()
    .find((b) => b.text === label || ("callback_data" in b && b.callback_data === label));
  if (!button) throw new Error(`no button "${label}" on message ${message.message_id}`);
  if (!("callback_data" in button)) throw new Error(`button "${label}" has no callback_data`);
  return button.callback_data;
}
