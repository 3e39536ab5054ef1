// Cookie names and options in one place: HttpOnly, SameSite=Lax, Path=/, Secure behind https.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env.ts";

export const SESSION_COOKIE = "gi_session";
export const CSRF_COOKIE = "gi_csrf";
const FLASH_COOKIE = "gi_flash";

type C = Context<AppEnv>;

function base(c: C) {
  return { httpOnly: true, sameSite: "Lax" as const, path: "/", secure: c.var.deps.config.secureCookies };
}

export function setSessionCookie(c: C, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...base(c), maxAge: c.var.deps.config.SESSION_TTL_DAYS * 86400 });
}

export function clearSessionCookie(c: C): void {
  deleteCookie(c, SESSION_COOKIE, base(c));
}

export function setCsrfCookie(c: C, token: string): void {
  setCookie(c, CSRF_COOKIE, token, base(c));
}

/** A one-shot message shown on the next page (after a redirect). */
export function flash(c: C, kind: "ok" | "error", text: string): void {
  setCookie(c, FLASH_COOKIE, JSON.stringify({ kind, text }), { ...base(c), maxAge: 60 });
}

export function takeFlash(c: C): { kind: "ok" | "error"; text: string } | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, base(c));
  try {
    const value = JSON.parse(raw) as { kind?: unknown; text?: unknown };
    if ((value.kind === "ok" || value.kind === "error") && typeof value.text === "string") {
      return { kind: value.kind, text: value.text.slice(0, 500) };
    }
  } catch {
    // a tampered cookie is ignored
  }
  return null;
}
