// Personal settings under /settings (every signed-in user): profile, password, Telegram, sign-in sessions, language.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../lib/client-ip.ts";
import { resolveLocale, translator } from "../lib/i18n.ts";
import { failWith } from "../lib/validate.ts";
import { answerInvalid, issueText } from "../lib/validate-page.ts";
import { flash } from "../auth/cookies.ts";
import { EVENTS } from "../events/names.ts";
import { SettingsPage, type SettingsProps } from "../../views/settings.tsx";
import { passwordSchema } from "./service.ts";

const localeForm = z.object({ locale: z.enum(["", "en", "ru"]) });
const profileForm = z.object({ displayName: z.string().trim().min(1, "display name: required").max(80) });
const passwordForm = z.object({
  current: z.string().min(1).max(256),
  password: passwordSchema,
  confirm: z.string().max(256),
});
const sessionParam = z.object({ sessionId: z.string().regex(/^[a-z0-9]{8,64}$/) });

async function renderSettings(
  c: Context<AppEnv>,
  error?: SettingsProps["error"],
  status: 200 | 400 = 200,
  linkUrl?: string,
) {
  c.status(status);
  const { sessions, users, telegram, push } = c.var.deps;
  const me = await users.findByUsername(c.var.user!.username);
  const tg = telegram && me ? { linked: me.telegramUserId !== null, require2fa: me.require2fa, linkUrl } : null;
  const [list, publicKey, devices] = await Promise.all([
    sessions.listForUser(c.var.user!.id),
    push.publicKey(),
    push.devices(c.var.user!.id),
  ]);
  return c.render(<SettingsPage sessions={list} error={error} telegram={tg} push={{ publicKey, devices }} />, {
    title: c.var.t("settings.title"),
  });
}

/** The settings page again (400) with the form's problem shown in its `section`. */
const sectionError = (section: NonNullable<SettingsProps["error"]>["section"]) =>
  answerInvalid((c: Context<AppEnv>, error) => renderSettings(c, { section, text: issueText(error) }, 400));

/** Mounted at /settings. */
export const settingsRoutes = new Hono<AppEnv>()
  .get("/", async (c) => renderSettings(c))

  .post("/profile", zValidator("form", profileForm, sectionError("profile")), async (c) => {
    await c.var.deps.users.setDisplayName(c.var.user!.id, c.req.valid("form").displayName);
    flash(c, "ok", c.var.t("settings.saved"));
    return c.redirect("/settings", 303);
  })

  .post("/password", zValidator("form", passwordForm, sectionError("password")), async (c) => {
    const { users, sessions, audit, bus } = c.var.deps;
    const me = c.var.user!;
    const form = c.req.valid("form");
    const fail = (text: string) => renderSettings(c, { section: "password", text }, 400);
    if (form.password !== form.confirm) return fail(c.var.t("setup.mismatch"));
    if (!(await users.verifyPassword(me.username, form.current))) {
      await audit.record({ action: "user.passwordChangeFailed", userId: me.id, actor: me.username, ip: clientIp(c) });
      return fail(c.var.t("settings.wrongPassword"));
    }
    await users.setPassword(me.id, form.password);
    const ended = await sessions.invalidateAllForUser(me.id, c.var.session!.id);
    bus.publish({ name: EVENTS.sessionsEnded, userId: me.id, data: { allExcept: c.var.session!.id } });
    await audit.record({
      action: "user.passwordChanged",
      userId: me.id,
      actor: me.username,
      ip: clientIp(c),
      details: { sessionsEnded: ended },
    });
    flash(c, "ok", c.var.t("settings.passwordChanged"));
    return c.redirect("/settings", 303);
  })

  .post("/telegram/link", async (c) => {
    const telegram = c.var.deps.telegram;
    if (!telegram) throw new HTTPException(404, { message: "Telegram is off" });
    const { url } = await telegram.codes.createLinkToken(c.var.user!.id);
    return renderSettings(c, undefined, 200, url);
  })

  .post("/telegram/2fa", async (c) => {
    const me = await c.var.deps.users.findByUsername(c.var.user!.username);
    if (!c.var.deps.telegram || !me?.telegramUserId) throw new HTTPException(400, { message: "link Telegram first" });
    await c.var.deps.users.setRequire2fa(me.id, true);
    await c.var.deps.audit.record({
      action: "user.updated",
      userId: me.id,
      actor: me.username,
      target: `user:${me.id}`,
      details: { changed: ["require2fa"], set: { require2fa: true } },
    });
    flash(c, "ok", c.var.t("settings.tg2faIsOn"));
    return c.redirect("/settings", 303);
  })

  // Unlinking is refused while sign-in codes are required: without Telegram the user could not sign in any more.
  .post("/telegram/unlink", async (c) => {
    const me = await c.var.deps.users.findByUsername(c.var.user!.username);
    if (!me?.telegramUserId) throw new HTTPException(404, { message: "no Telegram account is linked" });
    if (me.require2fa) {
      flash(c, "error", c.var.t("settings.tgUnlinkBlocked"));
      return c.redirect("/settings", 303);
    }
    if (await c.var.deps.users.unlinkTelegram(me.id)) {
      await c.var.deps.audit.record({
        action: "user.telegramUnlinked",
        userId: me.id,
        actor: me.username,
        target: `user:${me.id}`,
        ip: clientIp(c),
      });
      c.var.deps.bus.publish({ name: EVENTS.userChanged, userId: me.id, data: { telegramLinked: false } });
    }
    flash(c, "ok", c.var.t("settings.tgUnlinked"));
    return c.redirect("/settings", 303);
  })

  .post(
    "/sessions/:sessionId{[a-z0-9]{8,64}}/end",
    zValidator("param", sessionParam, failWith(404, "no such session")),
    async (c) => {
      const me = c.var.user!;
      const { sessionId } = c.req.valid("param");
      if (sessionId === c.var.session!.id || !(await c.var.deps.sessions.invalidateForUser(me.id, sessionId))) {
        throw new HTTPException(404, { message: "no such session" });
      }
      c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: me.id, data: { sessionId } });
      await c.var.deps.audit.record({
        action: "sessions.endedOne",
        userId: me.id,
        actor: me.username,
        ip: clientIp(c),
      });
      flash(c, "ok", c.var.t("settings.sessionEnded"));
      return c.redirect("/settings", 303);
    },
  )

  .post("/locale", zValidator("form", localeForm, failWith(400, "locale must be en, ru or empty")), async (c) => {
    const locale = c.req.valid("form").locale || null;
    await c.var.deps.users.setLocale(c.var.user!.id, locale);
    await c.var.deps.audit.record({
      action: "user.localeChanged",
      userId: c.var.user!.id,
      actor: c.var.user!.username,
      details: { locale },
    });
    // Confirm in the language just chosen.
    const t = translator(resolveLocale(locale, c.req.header("accept-language"), c.var.deps.config.DEFAULT_LOCALE));
    flash(c, "ok", t("settings.saved"));
    return c.redirect("/settings", 303);
  })

  .post("/logout-others", async (c) => {
    const ended = await c.var.deps.sessions.invalidateAllForUser(c.var.user!.id, c.var.session!.id);
    c.var.deps.bus.publish({
      name: EVENTS.sessionsEnded,
      userId: c.var.user!.id,
      data: { allExcept: c.var.session!.id },
    });
    await c.var.deps.audit.record({
      action: "sessions.endedOthers",
      userId: c.var.user!.id,
      actor: c.var.user!.username,
      ip: clientIp(c),
      details: { ended },
    });
    flash(c, "ok", c.var.t("settings.loggedOutOthers", { count: ended }));
    return c.redirect("/settings", 303);
  });
