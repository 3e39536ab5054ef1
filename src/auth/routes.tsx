// Sign-in, sign-out and first-admin setup routes.
import { Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/index.ts";
import { CodePage } from "../../views/auth/code.tsx";
import { CHALLENGE_COOKIE, completeSignIn, finishSignIn } from "./sign-in.ts";
import { linkRoutes } from "./link-routes.tsx";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { clientIp } from "../lib/client-ip.ts";
import { newUserSchema, UsernameTakenError } from "../users/service.ts";
import { LoginPage, SetupPage } from "../../views/auth/login.tsx";
import { clearSessionCookie, flash, setSessionCookie } from "./cookies.ts";
import { tokensEqual } from "./tokens.ts";
import { safeNext } from "./next-path.ts";
import { EVENTS } from "../events/names.ts";

const loginForm = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  next: z.string().max(500).optional(),
});

const setupForm = z.object({
  token: z.string().min(1).max(64),
  username: z.string(),
  displayName: z.string().trim().max(80).optional(),
  password: z.string().max(256),
  confirm: z.string().max(256),
});

export const authRoutes = new Hono<AppEnv>()
  .route("/", linkRoutes)

  .get("/login", (c) => {
    if (c.var.user) return c.redirect("/", 303);
    return c.render(<LoginPage next={c.req.query("next")} setupPending={c.var.deps.setup.token !== null} />, {
      title: c.var.t("login.title"),
    });
  })

  .post("/login", async (c) => {
    const { throttle, users: userService, audit, config } = c.var.deps;
    const t = c.var.t;
    const parsed = loginForm.safeParse(await c.req.parseBody());
    const setupPending = c.var.deps.setup.token !== null;
    const show = (status: 400 | 401 | 429 | 503, error: string, username?: string, next?: string) => {
      c.status(status);
      return c.render(<LoginPage error={error} username={username} next={next} setupPending={setupPending} />, {
        title: t("login.title"),
      });
    };
    if (!parsed.success) return show(400, t("login.missing"));
    const { username, password, next } = parsed.data;
    const ip = clientIp(c);

    const locked = await throttle.lockedUntil(username, ip);
    if (locked) {
      const minutes = Math.max(1, Math.ceil((locked.getTime() - Date.now()) / 60000));
      return show(429, t("login.locked", { count: minutes }), username, next);
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
      if (lockedNow) return show(429, t("login.locked", { count: config.LOGIN_LOCK_MINUTES }), username, next);
      return show(401, t("login.wrong"), username, next);
    }
    await throttle.recordSuccess(username);
    const outcome = await completeSignIn(c, user, ip, safeNext(next));
    if (outcome instanceof Response) return outcome;
    return show(outcome.status, outcome.error, username, next);
  })

  .get("/login/code", (c) => {
    if (!c.var.deps.challenges.get(getCookie(c, CHALLENGE_COOKIE), "code")) return c.redirect("/login", 303);
    return c.render(<CodePage />, { title: c.var.t("twofa.title") });
  })

  .post("/login/code", async (c) => {
    const { challenges, telegram, throttle, audit } = c.var.deps;
    const t = c.var.t;
    const token = getCookie(c, CHALLENGE_COOKIE);
    const challenge = challenges.get(token, "code");
    if (!challenge || !telegram) return c.redirect("/login", 303);
    const form = z.object({ code: z.string().max(20) }).safeParse(await c.req.parseBody());
    const result = await telegram.codes.verifyLoginCode(challenge.userId, form.success ? form.data.code : "");
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

  .post("/logout", async (c) => {
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
  })

  .get("/setup", (c) => {
    const token = c.req.query("token") ?? "";
    const expected = c.var.deps.setup.token;
    if (!expected || !tokensEqual(token, expected)) throw new HTTPException(404, { message: "setup link invalid" });
    return c.render(<SetupPage token={token} />, { title: c.var.t("setup.title") });
  })

  .post("/setup", async (c) => {
    const { users, sessions, audit, setup } = c.var.deps;
    const t = c.var.t;
    const parsed = setupForm.safeParse(await c.req.parseBody());
    const expected = setup.token;
    if (!parsed.success || !expected || !tokensEqual(parsed.data.token, expected)) {
      throw new HTTPException(404, { message: "setup link invalid" });
    }
    const form = parsed.data;
    const again = (error: string) => {
      c.status(400);
      return c.render(
        <SetupPage token={form.token} error={error} username={form.username} displayName={form.displayName} />,
        {
          title: t("setup.title"),
        },
      );
    };
    if (form.password !== form.confirm) return again(t("setup.mismatch"));
    const input = newUserSchema.safeParse({
      username: form.username,
      displayName: form.displayName || undefined,
      password: form.password,
      isAdmin: true,
    });
    if (!input.success) return again(input.error.issues.map((i) => i.message).join("; "));
    if ((await users.count()) > 0) throw new HTTPException(404, { message: "setup already done" });
    let user;
    try {
      user = await users.create(input.data);
    } catch (err) {
      if (err instanceof UsernameTakenError) return again(t("setup.taken"));
      throw err;
    }
    setup.token = null;
    await audit.record({ action: "auth.setup", userId: user.id, actor: user.username, ip: clientIp(c) });
    c.var.log.info({ userId: user.id }, "first admin created through the setup link");
    const { token } = await sessions.create(user.id, { userAgent: c.req.header("user-agent"), ip: clientIp(c) });
    setSessionCookie(c, token);
    flash(c, "ok", t("setup.done"));
    return c.redirect("/", 303);
  });
