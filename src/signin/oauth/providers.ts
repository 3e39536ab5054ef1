// OAuth providers from the configuration (arctic), and how each one tells us who signed in.
import { decodeIdToken, GitHub, Google, KeyCloak, type OAuth2Tokens } from "arctic";
import { z } from "zod";
import type { Config } from "../../config.ts";

export type ProviderId = "github" | "google" | "oidc";

/** Who the provider says signed in; `email` only when the provider vouches for it. */
export interface Identity {
  subject: string;
  email: string | null;
}

export interface Provider {
  id: ProviderId;
  label: string;
  usesPkce: boolean;
  authorizationUrl(state: string, codeVerifier: string): URL;
  identify(code: string, codeVerifier: string): Promise<Identity>;
}

const idTokenClaims = z.object({
  sub: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
});
const githubUser = z.object({ id: z.number() });
const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

function fromIdToken(tokens: OAuth2Tokens): Identity {
  const claims = idTokenClaims.parse(decodeIdToken(tokens.idToken()));
  return { subject: claims.sub, email: claims.email && claims.email_verified ? claims.email.toLowerCase() : null };
}

async function githubJson<T>(url: string, token: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, "User-Agent": "GreenInbox", Accept: "application/vnd.github+json" },
  });
  if (!res.ok) throw new Error(`GitHub answered ${res.status}`);
  return schema.parse(await res.json());
}

/** The providers that are configured; the callback URL is `<base>/login/<id>/callback`. */
export function configuredProviders(config: Config, baseUrl: string): Provider[] {
  const callback = (id: ProviderId) => `${baseUrl}/login/${id}/callback`;
  const list: Provider[] = [];
  if (config.OAUTH_GITHUB_CLIENT_ID && config.OAUTH_GITHUB_CLIENT_SECRET) {
    const github = new GitHub(config.OAUTH_GITHUB_CLIENT_ID, config.OAUTH_GITHUB_CLIENT_SECRET, callback("github"));
    list.push({
      id: "github",
      label: "GitHub",
      usesPkce: false,
      authorizationUrl: (state) => github.createAuthorizationURL(state, ["read:user", "user:email"]),
      async identify(code) {
        const token = (await github.validateAuthorizationCode(code)).accessToken();
        const user = await githubJson("https://api.github.com/user", token, githubUser);
        const emails = await githubJson("https://api.github.com/user/emails", token, githubEmails);
        const primary = emails.find((e) => e.primary && e.verified);
        return { subject: String(user.id), email: primary?.email.toLowerCase() ?? null };
      },
    });
  }
  if (config.OAUTH_GOOGLE_CLIENT_ID && config.OAUTH_GOOGLE_CLIENT_SECRET) {
    const google = new Google(config.OAUTH_GOOGLE_CLIENT_ID, config.OAUTH_GOOGLE_CLIENT_SECRET, callback("google"));
    list.push({
      id: "google",
      label: "Google",
      usesPkce: true,
      authorizationUrl: (state, verifier) => google.createAuthorizationURL(state, verifier, ["openid", "email"]),
      identify: async (code, verifier) => fromIdToken(await google.validateAuthorizationCode(code, verifier)),
    });
  }
  if (config.OAUTH_OIDC_URL && config.OAUTH_OIDC_CLIENT_ID) {
    const oidc = new KeyCloak(
      config.OAUTH_OIDC_URL,
      config.OAUTH_OIDC_CLIENT_ID,
      config.OAUTH_OIDC_CLIENT_SECRET ?? null,
      callback("oidc"),
    );
    list.push({
      id: "oidc",
      label: config.OAUTH_OIDC_NAME,
      usesPkce: true,
      authorizationUrl: (state, verifier) => oidc.createAuthorizationURL(state, verifier, ["openid", "email"]),
      identify: async (code, verifier) => fromIdToken(await oidc.validateAuthorizationCode(code, verifier)),
    });
  }
  return list;
}

/** Sign-in buttons for the login page: one per configured provider. */
export function signInLinks(config: Config): { href: string; label: string }[] {
  return configuredProviders(config, "").map((p) => ({ href: `/login/${p.id}`, label: p.label }));
}
