// A customer's WhatsApp reaction shown on the channel post of the message they reacted to (setMessageReaction).
import { and, asc, desc, eq, isNotNull, like, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances, messages, reactions, telegramPosts } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import type { PostStore } from "./posts.ts";

/** The 73 emoji a bot may react with (Bot API ReactionTypeEmoji; no U+FE0F anywhere). */
const BOT_REACTIONS: ReadonlySet<string> = new Set(
  "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡".split(
    " ",
  ),
);

/** WhatsApp's emoji as Telegram names it (❤️ → ❤), or null when a bot may not react with it. */
function telegramReaction(emoji: string): string | null {
  const bare = emoji.replaceAll("\uFE0F", "");
  return BOT_REACTIONS.has(bare) ? bare : null;
}

export interface MirrorDeps {
  db: Db;
  posts: PostStore;
  log: Logger;
  queued: () => void;
}

/**
 * Sets the customers' latest reaction to incoming message `messageId` on its notification post (clears it when they took
 * it back). The number's own reactions are not mirrored; nothing happens before the post is out.
 */
export async function mirrorCustomerReaction(deps: MirrorDeps, messageId: number): Promise<void> {
  const { db, posts, log } = deps;
  const [m] = await db
    .select({ instanceId: messages.instanceId, wid: instances.wid })
    .from(messages)
    .innerJoin(instances, eq(instances.id, messages.instanceId))
    .where(and(eq(messages.id, messageId), eq(messages.direction, "in")));
  if (!m) return;
  const [post] = await db
    .select({ tgChatId: telegramPosts.tgChatId, tgMessageId: telegramPosts.tgMessageId })
    .from(telegramPosts)
    .where(
      and(
        eq(telegramPosts.messageId, messageId),
        eq(telegramPosts.status, "sent"),
        isNotNull(telegramPosts.tgMessageId),
        like(telegramPosts.method, "send%"),
      ),
    )
    .orderBy(asc(telegramPosts.id))
    .limit(1);
  if (!post?.tgMessageId) {
    log.debug({ messageId }, "customer reaction not mirrored: no notification post sent");
    return;
  }
  const [latest] = await db
    .select({ emoji: reactions.emoji })
    .from(reactions)
    .where(and(eq(reactions.messageId, messageId), m.wid ? ne(reactions.reactor, m.wid) : sql`true`))
    .orderBy(desc(reactions.updatedAt))
    .limit(1);
  const emoji = latest ? telegramReaction(latest.emoji) : "";
  if (emoji === null) {
    log.debug({ messageId, emoji: latest?.emoji }, "customer reaction not mirrored: Telegram has no such reaction");
    return;
  }
  if (emoji === (await posts.lastReaction(messageId))) return;
  await posts.enqueue(
    post.tgChatId,
    [
      {
        method: "setMessageReaction",
        payload: { message_id: post.tgMessageId, reaction: emoji ? [{ type: "emoji", emoji }] : [] },
      },
    ],
    { instanceId: m.instanceId, messageId },
  );
  deps.queued();
}
