// Feature: the bot added to (or removed from) a channel or group is recorded in telegram_chats with its rights.
import { Composer, type Context } from "grammy";
import type { FeatureDeps } from "../bot.ts";

export function channels(deps: FeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on("my_chat_member", async (ctx) => {
    const row = await deps.chats.record(ctx.myChatMember);
    if (row)
      deps.log.info(
        { tgChatId: row.id, type: row.type, status: row.botStatus, canPost: row.canPost },
        "telegram chat membership changed",
      );
  });
  return feature;
}
