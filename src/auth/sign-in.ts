// Completing a sign-in (password or OAuth): straight to a session, or through the Telegram code when 2FA is on.
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../lib/context.ts";
import { setSessionCookie } from "./cookies.ts";
import type { UserRow } from "./sessions.ts";

export const CHALLENGE_COOKIE = "gi_2fa";

/** Creates the session and sends the user on; the one place a sign-in ends. */
export async function finishSignIn(c: Context<AppEnv>, user: UserRow, ip: string, next: string): Promise<Response> {
  // A session this browser still holds (another account, or a planted cookie) ends: one browser, one fresh session.
  if (c.var.session) await c.var.deps.sessions.invalidate(c.var.session.id);
  const { token } = await c.var.deps.sessions.create(user.id, { userAgent: c.req.header("user-agent"), ip });
  setSessionCookie(c, token);
  await c.var.deps.audit.record({ action: "auth.login", userId: user.id, actor: user.username, ip });
  c.var.log.info({ userId: user.id, ip }, "signed in");
  return c.redirect(next, 303);
}

/**
 * After the first factor: signs in, or (2FA on) sends a code by Telegram and redirects to the code page.
 * Returns what to tell the user when the second factor cannot be offered.
 */
export async function completeSignIn(c: Context<AppEnv>, user: UserRow, ip: string, next: string): Promise<Response | { status: 401 | 503; error: string }> {
  if (!user.require2fa) return finishSignIn(c, user, ip, next);
  const { telegram, challenges, config, audit } = c.var.deps;
  if (!telegram || !user.telegramUserId) return { status: 401, error: c.var.t("twofa.unavailable") };
  try {
    await telegram.codes.sendLoginCode(user.id);
  } catch (err) {
    c.var.log.warn({ userId: user.id, err: (err as Error).message }, "2FA code not sent");
    return { status: 503, error: c.var.t("twofa.notSent") };
  }
  setCookie(c, CHALLENGE_COOKIE, challenges.open(user.id, user.username, next), {
    httpOnly: true, sameSite: "Lax", path: "/login", secure: config.secureCookies, maxAge: 300,
  });
  await audit.record({ action: "auth.codeSent", userId: user.id, actor: user.username, ip });
  return c.redirect("/login/code", 303);
}
