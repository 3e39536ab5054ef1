// Request middleware: loads the session and locale, and guards routes by sign-in and capability.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { resolveLocale, translator } from "../lib/i18n.ts";
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from "./cookies.ts";
import { can, type Capability } from "./permissions.ts";

/** Sets `user`, `session`, `locale` and `t` for every request. */
export function sessionLoader(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { sessions, config } = c.var.deps;
    const token = getCookie(c, SESSION_COOKIE);
    const found = token ? await sessions.validate(token) : null;
    if (token && !found) clearSessionCookie(c);
    if (token && found?.refreshed) setSessionCookie(c, token);
    c.set("user", found?.user ?? null);
    c.set("session", found?.session ?? null);
    if (found) c.set("log", c.var.log.child({ userId: found.user.id }));
    const locale = resolveLocale(found?.user.locale, c.req.header("accept-language"), config.DEFAULT_LOCALE);
    c.set("locale", locale);
    c.set("t", translator(locale));
    return next();
  };
}

/** Redirects anonymous visitors to the login page (htmx gets HX-Redirect). */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.var.user) return next();
    const nextPath = c.req.method === "GET" ? c.req.path : "/";
    const target = nextPath === "/" ? "/login" : `/login?next=${encodeURIComponent(nextPath)}`;
    if (c.req.header("hx-request")) {
      c.header("HX-Redirect", target);
      return c.body(null, 401);
    }
    if (c.req.method !== "GET") throw new HTTPException(401, { message: "unauthenticated" });
    return c.redirect(target, 303);
  };
}

/** 403 unless the signed-in user holds the capability. */
export function requireCapability(capability: Capability): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!can(c.var.user, capability)) throw new HTTPException(403, { message: "forbidden" });
    return next();
  };
}
