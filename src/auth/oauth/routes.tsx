// OAuth sign-in routes: redirect to the provider with state (and PKCE), and the callback that checks both.
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { generateCodeVerifier, generateState } from "arctic";
import type { AppEnv } from "../../lib/context.ts";
import { clientIp } from "../../lib/client-ip.ts";
import { LoginPage } from "../../../views/auth/login.tsx";
import { completeSignIn } from "../sign-in.ts";
import { tokensEqual } from "../tokens.ts";
import { configuredProviders, type Provider } from "./providers.ts";
import { createOAuthService } from "./service.ts";

const STATE_COOKIE = "gi_oauth_state";
const VERIFIER_COOKIE = "gi_oauth_verifier";

function provider(c: Context<AppEnv>): Provider {
  const base = c.var.deps.config.PUBLIC_URL ?? new URL(c.req.url).origin;
  const found = configuredProviders(c.var.deps.config, base).find((p) => p.id === c.req.param("provider"));
  if (!found) throw new HTTPException(404, { message: "provider not configured" });
  return found;
}

function refuse(c: Context<AppEnv>, text: string) {
  c.status(403);
  return c.render(<LoginPage error={text} setupPending={c.var.deps.setup.token !== null} />, {
    title: c.var.t("login.title"),
  });
}

export const oauthRoutes = new Hono<AppEnv>()
  .get("/login/:provider{github|google|oidc}", (c) => {
    const p = provider(c);
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

  .get("/login/:provider{github|google|oidc}/callback", async (c) => {
    const p = provider(c);
    const { t } = c.var;
    const state = getCookie(c, STATE_COOKIE);
    const verifier = getCookie(c, VERIFIER_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: "/login" });
    deleteCookie(c, VERIFIER_COOKIE, { path: "/login" });
    const code = c.req.query("code");
    const returned = c.req.query("state");
    if (!code || !returned || !state || !verifier || !tokensEqual(returned, state)) {
      c.var.log.info({ provider: p.id }, "oauth callback refused: state mismatch or missing code");
      return refuse(c, t("oauth.failed", { provider: p.label }));
    }
    let user;
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
