// A fake OpenID provider (Keycloak's URL layout) on loopback: authorize with PKCE, token endpoint, id tokens.
import { createHash, randomBytes } from "node:crypto";

export interface FakeUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export interface FakeOidc {
  /** The realm URL to configure (OAUTH_OIDC_URL). */
  realmUrl: string;
  /** Who "signs in" at the next authorization. */
  setUser(user: FakeUser): void;
  /** Token requests refused (wrong code, verifier or redirect URI). */
  readonly refused: string[];
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function startFakeOidc(clientId: string, clientSecret: string): FakeOidc {
  let user: FakeUser = { sub: "nobody" };
  const codes = new Map<string, { user: FakeUser; challenge: string; redirectUri: string }>();
  const refused: string[] = [];
  const realm = "/realms/acme";

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === `${realm}/protocol/openid-connect/auth`) {
        const q = url.searchParams;
        if (
          q.get("client_id") !== clientId ||
          q.get("code_challenge_method") !== "S256" ||
          !q.get("code_challenge") ||
          !q.get("state")
        ) {
          return new Response("bad authorization request", { status: 400 });
        }
        const code = randomBytes(16).toString("hex");
        codes.set(code, { user, challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")! });
        const back = new URL(q.get("redirect_uri")!);
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state")!);
        return Response.redirect(back.toString(), 302);
      }
      if (url.pathname === `${realm}/protocol/openid-connect/token` && req.method === "POST") {
        const form = new URLSearchParams(await req.text());
        const basic = req.headers.get("authorization")?.replace(/^Basic /, "");
        const [id, secret] = basic
          ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent)
          : [form.get("client_id"), form.get("client_secret")];
        const grant = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const verifier = form.get("code_verifier") ?? "";
        const problem =
          id !== clientId || secret !== clientSecret
            ? "client"
            : !grant
              ? "code"
              : grant.redirectUri !== form.get("redirect_uri")
                ? "redirect_uri"
                : b64url(createHash("sha256").update(verifier).digest()) !== grant.challenge
                  ? "pkce"
                  : null;
        if (problem || !grant) {
          refused.push(problem ?? "code");
          return Response.json({ error: "invalid_grant", error_description: problem }, { status: 400 });
        }
        const idToken = [
          b64url(JSON.stringify({ alg: "none", typ: "JWT" })),
          b64url(JSON.stringify({ iss: `${url.origin}${realm}`, aud: clientId, ...grant.user })),
          "sig",
        ].join(".");
        return Response.json({
          access_token: randomBytes(8).toString("hex"),
          token_type: "Bearer",
          expires_in: 300,
          id_token: idToken,
        });
      }
      return new Response("not found", { status: 404 });
    },
  });

  return {
    realmUrl: `http://127.0.0.1:${server.port}${realm}`,
    setUser: (u) => void (user = u),
    refused,
    stop: () => server.stop(true),
  };
}
