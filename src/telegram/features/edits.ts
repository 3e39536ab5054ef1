// Feature: a manager's edit of their Telegram reply edits the WhatsApp message; "/delete" sent as a reply to their reply
// deletes it for everyone (Telegram tells bots nothing of deleted messages in channels and groups); "/help" says so.
import { eq } from "drizzle-orm";
import { Composer, type Context } from "grammy";
import type { Message } from "grammy/types";
import { chats, instances, messages, users } from "../../db/schema/index.ts";
import { quickReplyText } from "../../team/telegram.ts";
import type { SentChange, SentChangeResult } from "../../conversations/index.ts";
import { translator, type Locale, type MessageKey, type Translate } from "../../lib/i18n.ts";
import type { FeatureDeps } from "../bot.ts";
import { linkedUser } from "../linked-user.ts";

type Refusal = Extract<SentChangeResult, { refusal: unknown }>["refusal"];

const EDIT_REFUSED: Record<Refusal, MessageKey> = {
  notSent: "tg.edit.notSent",
  notOwn: "tg.edit.notOwn",
  notText: "tg.edit.notText",
  editTooLate: "tg.edit.tooLate",
  deleteTooLate: "tg.edit.tooLate",
};
const DELETE_REFUSED: Record<Refusal, MessageKey> = {
  notSent: "tg.delete.notSent",
  notOwn: "tg.delete.notOwn",
  notText: "tg.delete.notOwn",
  editTooLate: "tg.delete.tooLate",
  deleteTooLate: "tg.delete.tooLate",
};

export function edits(deps: FeatureDeps): Composer<Context> {
  const { db, posts } = deps;

  /** Posts `text` in the chat as a reply to `replyTo` (through the posting queue). */
  async function say(chatId: number, replyTo: number, text: string, instanceId?: number) {
    await posts.enqueue(
      chatId,
      [
        {
          method: "sendMessage",
          payload: { text, reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } },
        },
      ],
      { instanceId },
    );
    deps.queued();
  }

  /**
   * The WhatsApp message a manager's Telegram reply became, when the sender of this update may change it (in a channel
   * its admins, who alone can post or edit; in a group its linked author), with the translator of who is answered.
   */
  async function ownReply(ctx: Context, reply: Message) {
    const post = await posts.byTelegramMessage(reply.chat.id, reply.message_id);
    if (!post) return undefined;
    const record = await posts.replyOf(post.messageId);
    if (record?.tgChatId !== reply.chat.id || record.tgMessageId !== reply.message_id) return undefined;
    const [row] = await db
      .select({
        instanceId: messages.instanceId,
        instanceName: instances.name,
        waChatId: chats.waChatId,
        author: messages.senderUserId,
        senderName: messages.senderName,
        locale: instances.telegramLocale,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .innerJoin(instances, eq(instances.id, messages.instanceId))
      .where(eq(messages.id, post.messageId));
    if (!row) return undefined;
    const channelT = translator(row.locale ?? deps.defaultLocale);
    if (reply.chat.type === "channel") return { ...row, messageId: post.messageId, t: channelT };
    const user = ctx.from && !ctx.from.is_bot ? await linkedUser(db, ctx.from.id, row.instanceId) : undefined;
    if (!user || user.id !== row.author) return { refused: true as const, instanceId: row.instanceId, t: channelT };
    return { ...row, messageId: post.messageId, t: await senderT(ctx, row.locale) };
  }

  /** The translator of the sender's linked account, else of `fallback` (a channel's language) or the default. */
  async function senderT(ctx: Context, fallback: Locale | null = null): Promise<Translate> {
    const [user] = ctx.from
      ? await db.select({ locale: users.locale }).from(users).where(eq(users.telegramUserId, ctx.from.id))
      : [];
    return translator(user?.locale ?? fallback ?? deps.defaultLocale);
  }

  async function change(
    msg: Message,
    target: { messageId: number; instanceId: number; t: Translate },
    what: SentChange,
    replyTo: number,
  ) {
    const { t } = target;
    const result = await deps.changeSent?.(target.messageId, what);
    if (!result) return;
    const edit = what.kind === "edit";
    deps.log.info(
      { tgChatId: msg.chat.id, messageId: target.messageId, change: what.kind, result },
      "telegram reply change",
    );
    if (result.ok) {
      if (!edit) await say(msg.chat.id, replyTo, t("tg.deleted"), target.instanceId);
    } else if ("refusal" in result) {
      await say(msg.chat.id, replyTo, t((edit ? EDIT_REFUSED : DELETE_REFUSED)[result.refusal]), target.instanceId);
    } else {
      const failed = t(edit ? "tg.edit.failed" : "tg.delete.failed", { reason: result.error });
      await say(msg.chat.id, replyTo, failed, target.instanceId);
    }
  }

  const feature = new Composer<Context>();
  feature.on(["edited_message", "edited_channel_post"], async (ctx, next) => {
    const msg = ctx.msg;
    if (!msg || msg.chat.type === "private") return next();
    const target = await ownReply(ctx, msg);
    if (!target || "refused" in target) return next();
    const { t, instanceId } = target;
    if (msg.text === undefined) return say(msg.chat.id, msg.message_id, t("tg.edit.notText"), instanceId);
    // A reply sent as "/q code" edited to another code: that quick reply's text.
    const quick = await quickReplyText(db, msg.text, {
      instanceId,
      waChatId: target.waChatId,
      userId: target.author ?? undefined,
      senderName: target.senderName ?? undefined,
    });
    if (quick && !quick.ok)
      return say(
        msg.chat.id,
        msg.message_id,
        t("team.qr.notFound", { code: quick.code, instance: target.instanceName }),
      );
    await change(msg, target, { kind: "edit", text: quick?.text ?? msg.text }, msg.message_id);
  });
  feature.command("delete", async (ctx) => {
    const msg = ctx.msg;
    const reply = msg.reply_to_message;
    const target = reply && msg.chat.type !== "private" ? await ownReply(ctx, reply) : undefined;
    if (!reply || !target) return say(msg.chat.id, msg.message_id, (await senderT(ctx))("tg.delete.howTo"));
    if ("refused" in target) return say(msg.chat.id, msg.message_id, target.t("tg.delete.notOwn"), target.instanceId);
    await change(msg, target, { kind: "delete" }, reply.message_id);
  });
  feature.command("help", async (ctx) => say(ctx.msg.chat.id, ctx.msg.message_id, (await senderT(ctx))("tg.help")));
  return feature;
}
