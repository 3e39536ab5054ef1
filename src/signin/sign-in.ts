// Completing a sign-in (password or OAuth): straight to a session, or through the Telegram code when codes are required
// (auth/code-rule.ts) — linking Telegram first when none is linked yet.
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../env.ts";
import { formatDateTime, resolveLocale, translator } from "../lib/i18n.ts";
import { codeRule } from "../auth/code-rule.ts";
import { flash, setSessionCookie } from "../auth/cookies.ts";
import type { UserRow } from "../auth/sessions.ts";
import { CHALLENGE_TTL_MS, type ChallengeStage } from "../auth/two-factor.ts";

export const CHALLENGE_COOKIE = "gi_2fa";

/** What to tell the user when the second factor cannot be offered. */
export type SignInRefusal = { status: 401 | 503; error: string };

/** Creates the session and sends the user on; the one place a sign-in ends. */
export async function finishSignIn(
  c: Context<AppEnv>,
  user: UserRow,
  ip: string,
  next: string,
  details?: Record<string, unknown>,
): Promise<Response> {
  // A session this browser still holds (another account, or a planted cookie) ends: one browser, one fresh session.
  if (c.var.session) await c.var.deps.sessions.invalidate(c.var.session.id);
  const { token } = await c.var.deps.sessions.create(user.id, { userAgent: c.req.header("user-agent"), ip });
  setSessionCookie(c, token);
  await c.var.deps.audit.record({ action: "auth.login", userId: user.id, actor: user.username, ip, details });
  c.var.log.info({ userId: user.id, ip }, "signed in");
  return c.redirect(next, 303);
}

/** Sets the challenge cookie (path /login only) for a challenge at `stage`. */
export function setChallengeCookie(c: Context<AppEnv>, token: string, stage: ChallengeStage): void {
  setCookie(c, CHALLENGE_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/login",
    secure: c.var.deps.config.secureCookies,
    maxAge: CHALLENGE_TTL_MS[stage] / 1000,
  });
}

/** Sends a sign-in code to the user's linked Telegram account; a refusal when Telegram does not take it. */
export async function sendCode(c: Context<AppEnv>, user: UserRow, ip: string): Promise<SignInRefusal | null> {
  const { telegram, audit } = c.var.deps;
  try {
    await telegram!.codes.sendLoginCode(user.id);
  } catch (err) {
    c.var.log.warn({ userId: user.id, err: (err as Error).message }, "2FA code not sent");
    return { status: 503, error: c.var.t("twofa.notSent") };
  }
  await audit.record({ action: "auth.codeSent", userId: user.id, actor: user.username, ip });
  return null;
}

/**
 * After the first factor: signs in, or sends a code by Telegram and redirects to the code page, or (codes required, no
 * Telegram linked) redirects to the page that links it first. Within REQUIRE_2FA's grace period signs in with a reminder.
 */
export async function completeSignIn(
  c: Context<AppEnv>,
  user: UserRow,
  ip: string,
  next: string,
): Promise<Response | SignInRefusal> {
  const { telegram, challenges, config, audit } = c.var.deps;
  const rule = codeRule(config, user, new Date());
  if (rule.kind === "none") return finishSignIn(c, user, ip, next);
  if (rule.kind === "grace") {
    const locale = resolveLocale(user.locale, c.req.header("accept-language"), config.DEFAULT_LOCALE);
    flash(c, "error", translator(locale)("twofa.graceReminder", { date: formatDateTime(locale, rule.until) }));
    return finishSignIn(c, user, ip, next, { codeGraceUntil: rule.until.toISOString() });
  }
  if (!telegram) return { status: 401, error: c.var.t("twofa.unavailable") };
  if (rule.kind === "link") {
    setChallengeCookie(c, challenges.open(user.id, user.username, next, "link"), "link");
    await audit.record({ action: "auth.linkRequired", userId: user.id, actor: user.username, ip });
    return c.redirect("/login/link", 303);
  }
  const refused = await sendCode(c, user, ip);
  if (refused) return refused;
  setChallengeCookie(c, challenges.open(user.id, user.username, next, "code"), "code");
  return c.redirect("/login/code", 303);
}
