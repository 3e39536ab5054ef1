// Users list (manage users) and personal settings (every signed-in user).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { clientIp } from "../lib/client-ip.ts";
import { resolveLocale, translator } from "../lib/i18n.ts";
import { requireCapability } from "../auth/middleware.ts";
import { flash } from "../auth/cookies.ts";
import { EVENTS } from "../events/names.ts";
import { UsersPage } from "../../views/users/list.tsx";
import { SettingsPage } from "../../views/settings.tsx";

const localeForm = z.object({ locale: z.enum(["", "en", "ru"]) });
const userParam = z.coerce.number().int().positive();

export const userRoutes = new Hono<AppEnv>()
  .get("/users", requireCapability("manageUsers"), async (c) => {
    return c.render(<UsersPage users={await c.var.deps.users.list()} />, { title: c.var.t("users.title") });
  })

  .post("/users/:userId/logout-all", requireCapability("manageUsers"), async (c) => {
    const parsed = userParam.safeParse(c.req.param("userId"));
    if (!parsed.success) throw new HTTPException(404, { message: "no such user" });
    const ended = await c.var.deps.sessions.invalidateAllForUser(parsed.data);
    await c.var.deps.audit.record({
      action: "sessions.endedAllForUser", userId: c.var.user!.id, actor: c.var.user!.username,
      target: `user:${parsed.data}`, ip: clientIp(c), details: { ended },
    });
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: parsed.data, data: { allExcept: null } });
    flash(c, "ok", c.var.t("users.loggedOutAll", { count: ended }));
    return c.redirect("/users", 303);
  })

  .get("/settings", async (c) => {
    const total = await c.var.deps.sessions.countForUser(c.var.user!.id);
    return c.render(<SettingsPage otherSessions={Math.max(0, total - 1)} />, { title: c.var.t("settings.title") });
  })

  .post("/settings/locale", async (c) => {
    const parsed = localeForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new HTTPException(400, { message: "locale must be en, ru or empty" });
    const locale = parsed.data.locale || null;
    await c.var.deps.users.setLocale(c.var.user!.id, locale);
    await c.var.deps.audit.record({ action: "user.localeChanged", userId: c.var.user!.id, actor: c.var.user!.username, details: { locale } });
    // Confirm in the language just chosen.
    const t = translator(resolveLocale(locale, c.req.header("accept-language"), c.var.deps.config.DEFAULT_LOCALE));
    flash(c, "ok", t("settings.saved"));
    return c.redirect("/settings", 303);
  })

  .post("/settings/logout-others", async (c) => {
    const ended = await c.var.deps.sessions.invalidateAllForUser(c.var.user!.id, c.var.session!.id);
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: c.var.user!.id, data: { allExcept: c.var.session!.id } });
    await c.var.deps.audit.record({ action: "sessions.endedOthers", userId: c.var.user!.id, actor: c.var.user!.username, ip: clientIp(c), details: { ended } });
    flash(c, "ok", c.var.t("settings.loggedOutOthers", { count: ended }));
    return c.redirect("/settings", 303);
  });
