// Feature: `/start <token>` in a private chat links the Telegram account to the user who created the deep link.
import { Composer, type Context } from "grammy";
import { EVENTS } from "../../events/names.ts";
import { announceUsers } from "../../users/live.ts";
import { translator, type Locale } from "../../lib/i18n.ts";
import type { FeatureDeps } from "../bot.ts";

export function linking(deps: FeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.chatType("private").command("start", async (ctx) => {
    const lang = ctx.from.language_code?.slice(0, 2);
    const fallback: Locale = lang === "ru" || lang === "en" ? lang : deps.defaultLocale;
    const token = ctx.match.trim();
    if (!token) return void (await ctx.reply(translator(fallback)("tg.welcome")));
    const user = await deps.codes.redeemLink(token, ctx.from.id);
    if (!user) return void (await ctx.reply(translator(fallback)("tg.linkInvalid")));
    deps.log.info({ userId: user.id, telegramUserId: ctx.from.id }, "telegram account linked");
    deps.bus.publish({ name: EVENTS.userChanged, userId: user.id, data: { telegramLinked: true } });
    announceUsers(deps.bus);
    await ctx.reply(translator(user.locale ?? fallback)("tg.linked", { name: user.displayName }));
  });
  return feature;
}
