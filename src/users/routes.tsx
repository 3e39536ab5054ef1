// Users list (manage users) and personal settings (every signed-in user).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { clientIp } from "../lib/client-ip.ts";
import { resolveLocale, translator } from "../lib/i18n.ts";
import { requireCapability } from "../auth/middleware.ts";
import { canManageUser } from "../auth/permissions.ts";
import { flash } from "../auth/cookies.ts";
import { EVENTS } from "../events/names.ts";
import { RequestContext } from "hono/jsx-renderer";
import { UsersList, UsersPage } from "../../views/users/list.tsx";
import { UserFormPage } from "../../views/users/form.tsx";
import { createUserManager, UserPolicyError, userFormSchema } from "./manage.ts";
import type { MessageKey } from "../lib/i18n.ts";
import type { Context } from "hono";
import { SettingsPage, type SettingsProps } from "../../views/settings.tsx";
import { passwordSchema } from "./service.ts";

const localeForm = z.object({ locale: z.enum(["", "en", "ru"]) });
const profileForm = z.object({ displayName: z.string().trim().min(1, "display name: required").max(80) });
const passwordForm = z.object({
  current: z.string().min(1).max(256),
  password: passwordSchema,
  confirm: z.string().max(256),
});

async function renderSettings(
  c: Context<AppEnv>,
  error?: SettingsProps["error"],
  status: 200 | 400 = 200,
  linkUrl?: string,
) {
  c.status(status);
  const { sessions, users, telegram } = c.var.deps;
  const me = await users.findByUsername(c.var.user!.username);
  const tg = telegram && me ? { linked: me.telegramUserId !== null, require2fa: me.require2fa, linkUrl } : null;
  return c.render(<SettingsPage sessions={await sessions.listForUser(c.var.user!.id)} error={error} telegram={tg} />, {
    title: c.var.t("settings.title"),
  });
}
const userParam = z.coerce.number().int().positive();

/** The user of `:userId` if the signed-in user may manage them (auth/permissions.ts); 404 otherwise, so ids cannot be probed. */
async function manageableUser(c: Context<AppEnv>) {
  const id = userParam.safeParse(c.req.param("userId"));
  const user = id.success ? await createUserManager(c.var.deps.db, c.var.deps.users).get(id.data) : undefined;
  if (!user || !canManageUser(c.var.user, user)) throw new HTTPException(404, { message: "no such user" });
  return user;
}

export const userRoutes = new Hono<AppEnv>()
  .get("/users", requireCapability("manageUsers"), async (c) => {
    return c.render(<UsersPage users={await c.var.deps.users.list()} />, { title: c.var.t("users.title") });
  })

  // The list alone, for the live refresh of the users page.
  .get("/users/list", requireCapability("manageUsers"), async (c) => {
    const list = <UsersList users={await c.var.deps.users.list()} />;
    return c.html(<RequestContext.Provider value={c}>{list}</RequestContext.Provider>);
  })

  .get("/users/new", requireCapability("manageUsers"), async (c) => {
    const manager = createUserManager(c.var.deps.db, c.var.deps.users);
    return c.render(<UserFormPage user={null} instances={await manager.grantable(c.var.user!)} />, {
      title: c.var.t("users.newTitle"),
    });
  })

  .post("/users", requireCapability("manageUsers"), async (c) => saveUser(c, null))

  .get("/users/:userId{[0-9]+}/edit", requireCapability("manageUsers"), async (c) => {
    const manager = createUserManager(c.var.deps.db, c.var.deps.users);
    const user = await manageableUser(c);
    return c.render(<UserFormPage user={user} instances={await manager.grantable(c.var.user!)} />, {
      title: user.displayName,
    });
  })

  .post("/users/:userId{[0-9]+}", requireCapability("manageUsers"), async (c) =>
    saveUser(c, (await manageableUser(c)).id),
  )

  .post("/users/:userId/logout-all", requireCapability("manageUsers"), async (c) => {
    const target = await manageableUser(c);
    const ended = await c.var.deps.sessions.invalidateAllForUser(target.id);
    await c.var.deps.audit.record({
      action: "sessions.endedAllForUser",
      userId: c.var.user!.id,
      actor: c.var.user!.username,
      target: `user:${target.id}`,
      ip: clientIp(c),
      details: { ended },
    });
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: target.id, data: { allExcept: null } });
    flash(c, "ok", c.var.t("users.loggedOutAll", { count: ended }));
    return c.redirect("/users", 303);
  })

  .get("/settings", async (c) => renderSettings(c))

  .post("/settings/profile", async (c) => {
    const parsed = profileForm.safeParse(await c.req.parseBody());
    if (!parsed.success)
      return renderSettings(c, { section: "profile", text: parsed.error.issues.map((i) => i.message).join("; ") }, 400);
    await c.var.deps.users.setDisplayName(c.var.user!.id, parsed.data.displayName);
    flash(c, "ok", c.var.t("settings.saved"));
    return c.redirect("/settings", 303);
  })

  .post("/settings/password", async (c) => {
    const { users, sessions, audit, bus } = c.var.deps;
    const me = c.var.user!;
    const parsed = passwordForm.safeParse(await c.req.parseBody());
    const fail = (text: string) => renderSettings(c, { section: "password", text }, 400);
    if (!parsed.success) return fail(parsed.error.issues.map((i) => i.message).join("; "));
    if (parsed.data.password !== parsed.data.confirm) return fail(c.var.t("setup.mismatch"));
    if (!(await users.verifyPassword(me.username, parsed.data.current))) {
      await audit.record({ action: "user.passwordChangeFailed", userId: me.id, actor: me.username, ip: clientIp(c) });
      return fail(c.var.t("settings.wrongPassword"));
    }
    await users.setPassword(me.id, parsed.data.password);
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

  .post("/settings/telegram/link", async (c) => {
    const telegram = c.var.deps.telegram;
    if (!telegram) throw new HTTPException(404, { message: "Telegram is off" });
    const { url } = await telegram.codes.createLinkToken(c.var.user!.id);
    return renderSettings(c, undefined, 200, url);
  })

  .post("/settings/telegram/2fa", async (c) => {
    const me = await c.var.deps.users.findByUsername(c.var.user!.username);
    if (!c.var.deps.telegram || !me?.telegramUserId) throw new HTTPException(400, { message: "link Telegram first" });
    await c.var.deps.users.setRequire2fa(me.id, true);
    await c.var.deps.audit.record({
      action: "user.updated",
      userId: me.id,
      actor: me.username,
      target: `user:${me.id}`,
      details: { changed: ["require2fa"] },
    });
    flash(c, "ok", c.var.t("settings.tg2faIsOn"));
    return c.redirect("/settings", 303);
  })

  // Unlinking is refused while sign-in codes are required: without Telegram the user could not sign in any more.
  .post("/settings/telegram/unlink", async (c) => {
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

  .post("/settings/sessions/:sessionId{[a-z0-9]{8,64}}/end", async (c) => {
    const me = c.var.user!;
    const sessionId = c.req.param("sessionId");
    if (sessionId === c.var.session!.id || !(await c.var.deps.sessions.invalidateForUser(me.id, sessionId))) {
      throw new HTTPException(404, { message: "no such session" });
    }
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: me.id, data: { sessionId } });
    await c.var.deps.audit.record({ action: "sessions.endedOne", userId: me.id, actor: me.username, ip: clientIp(c) });
    flash(c, "ok", c.var.t("settings.sessionEnded"));
    return c.redirect("/settings", 303);
  })

  .post("/settings/locale", async (c) => {
    const parsed = localeForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new HTTPException(400, { message: "locale must be en, ru or empty" });
    const locale = parsed.data.locale || null;
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

  .post("/settings/logout-others", async (c) => {
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

/** Creates (id null) or updates a user from the form; re-renders the form with the reason when a rule is broken. */
async function saveUser(c: Context<AppEnv>, id: number | null) {
  const { db, users, sessions, audit, bus } = c.var.deps;
  const actor = c.var.user!;
  const manager = createUserManager(db, users);
  const body = await c.req.parseBody({ all: true });
  const raw = { ...body, _csrf: undefined };
  const parsed = userFormSchema.safeParse(raw);
  const again = async (error: string) => {
    c.status(400);
    const shown = { ...(id ? await manager.get(id) : {}), ...(parsed.success ? parsed.data : {}), id: id ?? undefined };
    return c.render(<UserFormPage user={shown} instances={await manager.grantable(actor)} error={error} />, {
      title: c.var.t(id ? "users.title" : "users.newTitle"),
    });
  };
  if (!parsed.success) return again(parsed.error.issues.map((i) => i.message).join("; "));
  try {
    if (id === null) {
      const created = await manager.create(actor, parsed.data);
      await audit.record({
        action: "user.created",
        userId: actor.id,
        actor: actor.username,
        target: `user:${created}`,
        ip: clientIp(c),
        details: { admin: parsed.data.isAdmin, instances: parsed.data.instanceIds },
      });
      flash(c, "ok", c.var.t("users.created", { name: parsed.data.displayName }));
    } else {
      const { changed, endSessions } = await manager.update(actor, id, parsed.data);
      await audit.record({
        action: "user.updated",
        userId: actor.id,
        actor: actor.username,
        target: `user:${id}`,
        ip: clientIp(c),
        details: { changed },
      });
      if (endSessions) {
        await sessions.invalidateAllForUser(id, id === actor.id ? c.var.session!.id : undefined);
        bus.publish({
          name: EVENTS.sessionsEnded,
          userId: id,
          data: { allExcept: id === actor.id ? c.var.session!.id : null },
        });
      } else if (changed.length) {
        bus.publish({ name: EVENTS.userChanged, userId: id, data: {} });
      }
      flash(c, "ok", c.var.t("users.saved"));
    }
    return c.redirect("/users", 303);
  } catch (err) {
    if (err instanceof UserPolicyError) return again(c.var.t(err.key as MessageKey));
    throw err;
  }
}
