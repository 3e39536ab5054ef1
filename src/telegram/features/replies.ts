// Feature: a reply to one of our posts (in the channel, its discussion group or a linked group) is sent to that WhatsApp chat.
import { eq } from "drizzle-orm";
import { Composer, type Context } from "grammy";
import type { Message } from "grammy/types";
import { chats, instances, messages } from "../../db/schema/index.ts";
import { translator } from "../../lib/i18n.ts";
import type { FeatureDeps } from "../bot.ts";
import { linkedUser } from "../linked-user.ts";
import { replyFile } from "../download.ts";
import { quickReplyText } from "../../team/telegram.ts";

/** Where the replied-to post lives: in a discussion group, the reply targets the copy of the channel post. */
function repliedPost(msg: Message): { chatId: number; messageId: number } | undefined {
  const target = msg.reply_to_message;
  if (!target) return undefined;
  if (target.is_automatic_forward && target.forward_origin?.type === "channel") {
    return { chatId: target.forward_origin.chat.id, messageId: target.forward_origin.message_id };
  }
  return { chatId: msg.chat.id, messageId: target.message_id };
}

export function replies(deps: FeatureDeps): Composer<Context> {
  const { db, posts, outbox } = deps;

  async function answer(ctx: Context, target: { chatId: number; messageId: number }) {
    const msg = ctx.msg!;
    const post = await posts.byTelegramMessage(target.chatId, target.messageId);
    if (!post) return;
    const [row] = await db
      .select({
        instanceId: messages.instanceId,
        waChatId: chats.waChatId,
        instanceName: instances.name,
        linked: instances.telegramChatId,
        locale: instances.telegramLocale,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .innerJoin(instances, eq(instances.id, messages.instanceId))
      .where(eq(messages.id, post.messageId));
    if (!row) return;
    // Answers go where the reply was made (the number's channel or group): in the channel's language.
    const t = translator(row.locale ?? deps.defaultLocale);
    const say = async (text: string) => {
      await posts.enqueue(
        msg.chat.id,
        [
          {
            method: "sendMessage",
            payload: { text, reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } },
          },
        ],
        { instanceId: row.instanceId },
      );
      deps.queued();
    };
    // Only where the number posts now (its channel — replies in the channel's discussion group point there — or its
    // group): a chat it has left, or was never linked to, cannot answer its customers any more.
    if (row.linked !== target.chatId) {
      deps.log.info(
        { tgChatId: msg.chat.id, instanceId: row.instanceId },
        "telegram reply refused: the number no longer posts to this chat",
      );
      return say(t("tg.notLinkedHere", { instance: row.instanceName }));
    }
    // Only admins can post in a channel; in groups the sender must be a linked user with access to the instance.
    let senderUserId: number | undefined;
    let senderName: string | undefined;
    if (msg.chat.type === "channel") {
      senderName = msg.author_signature ?? msg.chat.title;
    } else {
      const user = ctx.from && !ctx.from.is_bot ? await linkedUser(db, ctx.from.id, row.instanceId) : undefined;
      if (!user) {
        deps.log.info(
          { tgChatId: msg.chat.id, telegramUserId: ctx.from?.id, instanceId: row.instanceId },
          "telegram reply refused: sender not linked",
        );
        return say(t("tg.refused", { instance: row.instanceName }));
      }
      senderUserId = user.id;
    }
    const common = {
      instanceId: row.instanceId,
      waChatId: row.waChatId,
      idempotencyKey: `tg:${msg.chat.id}:${msg.message_id}`,
      via: "telegram" as const,
      senderUserId,
      senderName,
    };
    const file = replyFile(msg);
    let sent: { id: number };
    // `/q code` sends that quick reply, its placeholders filled in.
    const quick = msg.text
      ? await quickReplyText(db, msg.text, {
          instanceId: row.instanceId,
          waChatId: row.waChatId,
          userId: senderUserId,
          senderName,
        })
      : null;
    if (quick && !quick.ok) return say(t("team.qr.notFound", { code: quick.code, instance: row.instanceName }));
    if (quick?.ok) {
      sent = await outbox.enqueue({ ...common, text: quick.text });
    } else if (msg.text) {
      sent = await outbox.enqueue({ ...common, text: msg.text });
    } else if (file && deps.fetchFile) {
      try {
        sent = await outbox.enqueue({
          ...common,
          file: await deps.fetchFile(ctx.api, file),
          ...(msg.caption ? { caption: msg.caption } : {}),
        });
      } catch (err) {
        deps.log.warn({ tgChatId: msg.chat.id, err: (err as Error).message }, "telegram reply file not fetched");
        return say(t("tg.fileFailed"));
      }
    } else {
      return say(t("tg.textOnly"));
    }
    await posts.recordReply(msg.chat.id, msg.message_id, sent.id, row.instanceId);
    await deps.notifier.syncReaction(sent.id);
  }

  const feature = new Composer<Context>();
  feature.on(["message", "channel_post"], async (ctx, next) => {
    const target = ctx.chat.type === "private" ? undefined : repliedPost(ctx.msg);
    if (!target) return next();
    await answer(ctx, target);
  });
  return feature;
}
