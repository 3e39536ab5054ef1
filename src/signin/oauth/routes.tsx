// OAuth sign-in routes: redirect to the provider with state (and PKCE), and the callback that checks both.
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { generateCodeVerifier, generateState } from "arctic";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { clientIp } from "../../lib/client-ip.ts";
import type { UserRow } from "../../auth/sessions.ts";
import { tokensEqual } from "../../auth/tokens.ts";
import { completeSignIn } from "../sign-in.ts";
import { renderLogin } from "../login-page.tsx";
import { configuredProviders, type Provider, type ProviderId } from "./providers.ts";
import { createOAuthService } from "./service.ts";

const STATE_COOKIE = "gi_oauth_state";
const VERIFIER_COOKIE = "gi_oauth_verifier";

const providerParam = zValidator("param", z.object({ provider: z.enum(["github", "google", "oidc"]) }));
// What the provider sends back; anything missing or repeated is refused below like a state mismatch.
const callbackQuery = zValidator(
  "query",
  z.object({
    code: z.string().optional().catch(undefined),
    state: z.string().optional().catch(undefined),
  }),
);

function provider(c: Context<AppEnv>, id: ProviderId): Provider {
  const base = c.var.deps.config.PUBLIC_URL ?? new URL(c.req.url).origin;
  const found = configuredProviders(c.var.deps.config, base).find((p) => p.id === id);
  if (!found) throw new HTTPException(404, { message: "provider not configured" });
  return found;
}

const refuse = (c: Context<AppEnv>, text: string) => renderLogin(c, 403, { error: text });

/** Mounted at /login/:provider{github|google|oidc}. */
export const oauthRoutes = new Hono<AppEnv>()
  .get("/", providerParam, (c) => {
    const p = provider(c, c.req.valid("param").provider);
    const state = generateState();
    const verifier = generateCodeVerifier();
    // Lax: the cookies must come back on the provider's top-level redirect to the callback.
    const opts = {
      httpOnly: true,
      sameSite: "Lax" as const,
      secure: c.var.deps.config.secureCookies,
      path: "/login",
      maxAge: 600,
    };
    setCookie(c, STATE_COOKIE, state, opts);
    setCookie(c, VERIFIER_COOKIE, verifier, opts);
    return c.redirect(p.authorizationUrl(state, verifier).toString(), 302);
  })

  .get("/callback", providerParam, callbackQuery, async (c) => {
    const p = provider(c, c.req.valid("param").provider);
    const { t } = c.var;
    const state = getCookie(c, STATE_COOKIE);
    const verifier = getCookie(c, VERIFIER_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: "/login" });
    deleteCookie(c, VERIFIER_COOKIE, { path: "/login" });
    const { code, state: returned } = c.req.valid("query");
    if (!code || !returned || !state || !verifier || !tokensEqual(returned, state)) {
      c.var.log.info({ provider: p.id }, "oauth callback refused: state mismatch or missing code");
      return refuse(c, t("oauth.failed", { provider: p.label }));
    }
    let user: UserRow | null;
    try {
      user = await createOAuthService(c.var.deps.db).resolve(p.id, await p.identify(code, verifier));
    } catch (err) {
      c.var.log.warn({ provider: p.id, err: (err as Error).message }, "oauth sign-in failed");
      return refuse(c, t("oauth.failed", { provider: p.label }));
    }
    const ip = clientIp(c);
    if (!user) {
      await c.var.deps.audit.record({
        action: "auth.loginFailed",
        actor: `${p.id}:unknown`,
        ip,
        details: { provider: p.id },
      });
      return refuse(c, t("oauth.noAccount", { provider: p.label }));
    }
    c.var.log.info({ provider: p.id, userId: user.id }, "signed in with an external account");
    const outcome = await completeSignIn(c, user, ip, "/");
    return outcome instanceof Response ? outcome : refuse(c, outcome.error);
  });
