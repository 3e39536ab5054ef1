// CSRF protection for every state-changing request: same-origin check plus a double-submit token.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { CSRF_COOKIE, setCsrfCookie } from "./cookies.ts";
import { randomToken, tokensEqual } from "./tokens.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const CSRF_HEADER = "x-csrf-token";
const CSRF_FIELD = "_csrf";

/** Paths authenticated by their own secret (webhooks), not by the session cookie. */
export interface CsrfOptions {
  exempt: (path: string) => boolean;
}

export function csrf(opts: CsrfOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let token = getCookie(c, CSRF_COOKIE);
    if (token?.length !== 24) {
      token = randomToken();
      setCsrfCookie(c, token);
    }
    c.set("csrfToken", token);
    if (SAFE.has(c.req.method) || opts.exempt(c.req.path)) return next();

    const fetchSite = c.req.header("sec-fetch-site");
    if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") reject(c, "cross-site request");
    const origin = c.req.header("origin");
    if (origin && origin !== "null" && !allowedOrigin(origin, c.req.url, c.var.deps.config.PUBLIC_URL))
      reject(c, "foreign origin");

    let presented = c.req.header(CSRF_HEADER);
    if (!presented) {
      const type = c.req.header("content-type") ?? "";
      if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
        const body = await c.req.parseBody();
        const field = body[CSRF_FIELD];
        presented = typeof field === "string" ? field : undefined;
      }
    }
    if (!presented || !getCookie(c, CSRF_COOKIE) || !tokensEqual(presented, token))
      reject(c, "missing or wrong CSRF token");
    return next();
  };
}

function allowedOrigin(origin: string, requestUrl: string, publicUrl: string | undefined): boolean {
  if (origin === new URL(requestUrl).origin) return true;
  return publicUrl !== undefined && origin === new URL(publicUrl).origin;
}

function reject(c: { var: AppEnv["Variables"] }, why: string): never {
  c.var.log.info({ why }, "csrf check failed");
  throw new HTTPException(403, { message: "csrf" });
}
