// Feature: a linked user's reaction in Telegram on the post of a customer's message becomes the number's WhatsApp reaction.
import { eq } from "drizzle-orm";
import { Composer, type Context } from "grammy";
import type { ReactionType } from "grammy/types";
import { chats, instances, messages } from "../../db/schema/index.ts";
import type { FeatureDeps } from "../bot.ts";
import { linkedUser } from "../linked-user.ts";

/** Telegram's emoji drop U+FE0F; WhatsApp's own reactions carry it (❤ → ❤️). */
const TO_WHATSAPP: Record<string, string> = { "❤": "❤️", "☃": "☃️", "✍": "✍️", "🕊": "🕊️" };

/** The emoji now set (the first plain emoji; custom and paid reactions cannot go to WhatsApp), or null when none. */
function chosenEmoji(reactions: ReactionType[]): string | null {
  const first = reactions.find((r) => r.type === "emoji");
  return first?.type === "emoji" ? (TO_WHATSAPP[first.emoji] ?? first.emoji) : null;
}

export function reactions(deps: FeatureDeps): Composer<Context> {
  const { db, posts, log } = deps;

  const feature = new Composer<Context>();
  feature.on("message_reaction", async (ctx) => {
    const update = ctx.messageReaction;
    const react = deps.react;
    if (!react) return;
    const where = { tgChatId: update.chat.id, tgMessageId: update.message_id };
    const post = await posts.byTelegramMessage(update.chat.id, update.message_id);
    if (!post) return;
    const [row] = await db
      .select({
        instanceId: messages.instanceId,
        chatId: messages.chatId,
        direction: messages.direction,
        linked: instances.telegramChatId,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .innerJoin(instances, eq(instances.id, messages.instanceId))
      .where(eq(messages.id, post.messageId));
    // Only on the post of a customer's message, where the number posts now.
    if (row?.direction !== "in" || row.linked !== update.chat.id) return;
    // Anonymous reactions (channel admins, `actor_chat`) have no app user behind them.
    const user = update.user && !update.user.is_bot ? await linkedUser(db, update.user.id, row.instanceId) : undefined;
    if (!user) {
      log.info(
        { ...where, telegramUserId: update.user?.id, instanceId: row.instanceId },
        "telegram reaction ignored: reactor not linked",
      );
      return;
    }
    const result = await react({
      instanceId: row.instanceId,
      chatId: row.chatId,
      messageId: post.messageId,
      emoji: chosenEmoji(update.new_reaction),
      actor: { userId: user.id, via: "telegram" },
    });
    if (!result?.ok)
      log.warn({ ...where, messageId: post.messageId, result }, "telegram reaction not sent to WhatsApp");
  });
  return feature;
}
