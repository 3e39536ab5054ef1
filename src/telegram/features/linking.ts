// Feature: `/start <token>` in a private chat links the Telegram account to the link's user; when either side is linked
// elsewhere the bot asks first (Yes / No buttons) and only the Telegram user asked can say Yes.
import { Composer, InlineKeyboard, type Context } from "grammy";
import { translator, type Locale } from "../../lib/i18n.ts";
import type { FeatureDeps } from "../bot.ts";
import type { OpenResult } from "../links.ts";
import { announceLink } from "./link-notices.ts";

/** Callback data of the question's buttons: answer, confirmation id, whether the user's own link moves (≤ 64 bytes). */
const ANSWER = /^link:(yes|no):([a-z2-7]{24}):([mn])$/;

/** The Telegram user's language when no GreenInbox user says otherwise. */
function fallbackLocale(ctx: Context, deps: FeatureDeps): Locale {
  const lang = ctx.from?.language_code?.slice(0, 2);
  return lang === "ru" || lang === "en" ? lang : deps.defaultLocale;
}

function question(ask: Extract<OpenResult, { kind: "ask" }>, locale: Locale) {
  const t = translator(locale);
  const names = { name: ask.user.displayName, current: ask.current?.displayName ?? "" };
  const text = ask.current ? t(ask.moves ? "tg.askRelinkAndMove" : "tg.askRelink", names) : t("tg.askMoveHere", names);
  const data = (answer: "yes" | "no") => `link:${answer}:${ask.confirmId}:${ask.moves ? "m" : "n"}`;
  return { text, keyboard: new InlineKeyboard().text(t("tg.linkYes"), data("yes")).text(t("tg.linkNo"), data("no")) };
}

export function linking(deps: FeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();
  const chat = feature.chatType("private");

  chat.command("start", async (ctx) => {
    const fallback = fallbackLocale(ctx, deps);
    const token = ctx.match.trim();
    if (!token) return void (await ctx.reply(translator(fallback)("tg.welcome")));
    const result = await deps.codes.openLink(token, ctx.from.id);
    switch (result.kind) {
      case "invalid":
        return void (await ctx.reply(translator(fallback)("tg.linkInvalid")));
      case "already":
        return void (await ctx.reply(
          translator(result.user.locale ?? fallback)("tg.linkAlready", { name: result.user.displayName }),
        ));
      case "refused":
        return void (await ctx.reply(
          translator(result.user.locale ?? fallback)("tg.linkRefused", { name: result.user.displayName }),
        ));
      case "linked":
        return void (await announceLink(deps, ctx.api, result.change, (text) => ctx.reply(text), fallback));
      case "ask": {
        // Asked in the language of the person holding this Telegram: its account's, or (not linked) the link's user's.
        const { text, keyboard } = question(
          result,
          (result.current ? result.current.locale : result.user.locale) ?? fallback,
        );
        return void (await ctx.reply(text, { reply_markup: keyboard }));
      }
    }
  });

  chat.callbackQuery(ANSWER, async (ctx) => {
    const [, answer, confirmId, move] = ctx.match;
    const moves = move === "m";
    const fallback = fallbackLocale(ctx, deps);
    if (answer === "no") {
      await deps.codes.cancelLink(confirmId!, moves, ctx.from.id);
      await ctx.answerCallbackQuery();
      return void (await ctx.editMessageText(translator(fallback)("tg.linkCancelled")));
    }
    const result = await deps.codes.confirmLink(confirmId!, moves, ctx.from.id);
    await ctx.answerCallbackQuery();
    if (result.kind === "expired") return void (await ctx.editMessageText(translator(fallback)("tg.linkExpired")));
    if (result.kind === "already")
      return void (await ctx.editMessageText(
        translator(result.user.locale ?? fallback)("tg.linkAlready", { name: result.user.displayName }),
      ));
    await announceLink(deps, ctx.api, result.change, (text) => ctx.editMessageText(text), fallback);
  });

  return feature;
}
