// Sign-in routes under /login (password, the Telegram code, linking Telegram first, OAuth) and /logout.
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { zValidator } from "@hono/zod-validator";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../db/schema/index.ts";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../lib/client-ip.ts";
import { answerInvalid } from "../lib/validate-page.ts";
import { clearSessionCookie, flash } from "../auth/cookies.ts";
import { EVENTS } from "../events/names.ts";
import { CodePage } from "../../views/auth/code.tsx";
import { CHALLENGE_COOKIE, completeSignIn, finishSignIn } from "./sign-in.ts";
import { linkRoutes } from "./link-routes.tsx";
import { oauthRoutes } from "./oauth/routes.tsx";
import { renderLogin } from "./login-page.tsx";
import { safeNext } from "./next-path.ts";

const loginQuery = z.object({ next: z.string().optional().catch(undefined) });
const loginForm = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  next: z.string().max(500).optional(),
});
// A malformed code is checked (and counted) like a wrong one.
const codeForm = z.object({ code: z.string().max(20).catch("") });

/** Mounted at /login. */
export const loginRoutes = new Hono<AppEnv>()
  .get("/", zValidator("query", loginQuery), (c) => {
    if (c.var.user) return c.redirect("/", 303);
    return renderLogin(c, 200, { next: c.req.valid("query").next });
  })

  .post(
    "/",
    zValidator(
      "form",
      loginForm,
      answerInvalid((c: Context<AppEnv>) => renderLogin(c, 400, { error: c.var.t("login.missing") })),
    ),
    async (c) => {
      const { throttle, users: userService, audit, config } = c.var.deps;
      const t = c.var.t;
      const { username, password, next } = c.req.valid("form");
      const show = (status: 401 | 429 | 503, error: string) => renderLogin(c, status, { error, username, next });
      const ip = clientIp(c);

      const locked = await throttle.lockedUntil(username, ip);
      if (locked) {
        const minutes = Math.max(1, Math.ceil((locked.getTime() - Date.now()) / 60000));
        return show(429, t("login.locked", { count: minutes }));
      }
      const user = await userService.verifyPassword(username, password);
      if (!user) {
        const lockedNow = await throttle.recordFailure(username, ip);
        await audit.record({
          action: lockedNow ? "auth.loginLocked" : "auth.loginFailed",
          actor: username.slice(0, 64),
          ip,
        });
        c.var.log.info({ username: username.slice(0, 64), ip, locked: lockedNow !== null }, "sign-in failed");
        if (lockedNow) return show(429, t("login.locked", { count: config.LOGIN_LOCK_MINUTES }));
        return show(401, t("login.wrong"));
      }
      await throttle.recordSuccess(username);
      const outcome = await completeSignIn(c, user, ip, safeNext(next));
      if (outcome instanceof Response) return outcome;
      return show(outcome.status, outcome.error);
    },
  )

  .get("/code", (c) => {
    if (!c.var.deps.challenges.get(getCookie(c, CHALLENGE_COOKIE), "code")) return c.redirect("/login", 303);
    return c.render(<CodePage />, { title: c.var.t("twofa.title") });
  })

  .post("/code", zValidator("form", codeForm), async (c) => {
    const { challenges, telegram, throttle, audit } = c.var.deps;
    const t = c.var.t;
    const token = getCookie(c, CHALLENGE_COOKIE);
    const challenge = challenges.get(token, "code");
    if (!challenge || !telegram) return c.redirect("/login", 303);
    const result = await telegram.codes.verifyLoginCode(challenge.userId, c.req.valid("form").code);
    const ip = clientIp(c);
    if (result.ok) {
      challenges.close(token);
      deleteCookie(c, CHALLENGE_COOKIE, { path: "/login" });
      await throttle.recordSuccess(challenge.username);
      const [user] = await c.var.deps.db.select().from(users).where(eq(users.id, challenge.userId));
      if (!user || user.disabled) return c.redirect("/login", 303);
      return finishSignIn(c, user, ip, challenge.next);
    }
    await audit.record({
      action: "auth.codeFailed",
      userId: challenge.userId,
      actor: challenge.username,
      ip,
      details: { reason: result.reason },
    });
    if (result.reason === "wrong") {
      await throttle.recordFailure(challenge.username, ip);
      c.status(401);
      return c.render(<CodePage error={t("twofa.wrong", { count: result.triesLeft })} />, { title: t("twofa.title") });
    }
    challenges.close(token);
    deleteCookie(c, CHALLENGE_COOKIE, { path: "/login" });
    flash(c, "error", t("twofa.void"));
    return c.redirect("/login", 303);
  })

  .route("/link", linkRoutes)
  .route("/:provider{github|google|oidc}", oauthRoutes);

/** Mounted at /logout. */
export const logoutRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const session = c.var.session;
  if (session) {
    await c.var.deps.sessions.invalidate(session.id);
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: session.userId, data: { sessionId: session.id } });
    await c.var.deps.audit.record({
      action: "auth.logout",
      userId: session.userId,
      actor: c.var.user?.username,
      ip: clientIp(c),
    });
  }
  clearSessionCookie(c);
  flash(c, "ok", c.var.t("login.loggedOut"));
  return c.redirect("/login", 303);
});
