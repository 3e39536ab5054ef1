// What follows a link made or moved: both Telegram accounts are told (each in its user's language), the audit log records
// it with ids only, and the users' open pages refresh.
import { GrammyError, type Api } from "grammy";
import { EVENTS } from "../../events/names.ts";
import { translator, type Locale } from "../../lib/i18n.ts";
import type { FeatureDeps } from "../bot.ts";
import type { LinkChange } from "../links.ts";

/**
 * Tells the Telegram account that now has the link through `tellHere` (a reply, or the edited question), and the one that
 * lost it by DM; records `user.telegramLinked` (a first link) or `user.telegramMoved` (either side had a link before).
 */
export async function announceLink(
  deps: FeatureDeps,
  api: Api,
  change: LinkChange,
  tellHere: (text: string) => Promise<unknown>,
  fallback: Locale,
): Promise<void> {
  const { user, previousUser, telegramUserId, previousTelegramUserId } = change;
  const moved = previousUser !== null || previousTelegramUserId !== null;
  await deps.audit.record({
    action: moved ? "user.telegramMoved" : "user.telegramLinked",
    userId: user.id,
    actor: user.username,
    target: `user:${user.id}`,
    details: moved
      ? { telegramUserId, previousUserId: previousUser?.id ?? null, previousTelegramUserId }
      : { telegramUserId },
  });
  deps.log.info(
    { userId: user.id, telegramUserId, previousUserId: previousUser?.id, previousTelegramUserId },
    moved ? "telegram link moved" : "telegram account linked",
  );
  deps.bus.publish({ name: EVENTS.userChanged, userId: user.id, data: { telegramLinked: true } });
  if (previousUser)
    deps.bus.publish({ name: EVENTS.userChanged, userId: previousUser.id, data: { telegramLinked: false } });

  const t = translator(user.locale ?? fallback);
  await tellHere(
    previousUser
      ? t("tg.linkedInstead", { name: user.displayName, previous: previousUser.displayName })
      : t("tg.linked", { name: user.displayName }),
  );
  if (previousTelegramUserId === null) return;
  const lost = translator(user.locale ?? deps.defaultLocale)("tg.unlinkedElsewhere", { name: user.displayName });
  try {
    await api.sendMessage(previousTelegramUserId, lost);
  } catch (err) {
    // The old account may have blocked the bot, or Telegram is away: the link and its audit entry stand.
    const reason = err instanceof GrammyError ? err.description : (err as Error).message;
    deps.log.warn({ userId: user.id, reason }, "could not tell the old Telegram account that its link moved");
  }
}
