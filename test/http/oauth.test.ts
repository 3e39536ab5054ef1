// OAuth sign-in end to end against a fake OpenID provider: invite-only, state and PKCE checked, identities linked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../../src/db/schema/index.ts";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let oidc: FakeOidc;
let app: TestApp;

beforeAll(async () => {
  await resetDatabase();
  oidc = startFakeOidc("greeninbox", "s3cret");
  app = await startTestApp({
    OAUTH_OIDC_URL: oidc.realmUrl,
    OAUTH_OIDC_CLIENT_ID: "greeninbox",
    OAUTH_OIDC_CLIENT_SECRET: "s3cret",
    OAUTH_OIDC_NAME: "Acme SSO",
  });
  const maria = await app.deps.users.create({ username: "maria", displayName: "Maria", password: "maria-password" });
  await app.deps.db.update(users).set({ email: "Maria@Example.com" }).where(eq(users.id, maria.id));
}, 30_000);
afterAll(async () => {
  await app.stop();
  await oidc.stop();
});

/** Walks the redirect dance like a browser: app → provider → app callback. */
async function signIn(agent: Agent, tamper?: (callback: URL) => void): Promise<Response> {
  const start = await agent.get("/login/oidc");
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  const atProvider = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(atProvider.headers.get("location")!);
  tamper?.(callback);
  return agent.get(callback.pathname + callback.search);
}

describe("OAuth sign-in", () => {
  test("the login page offers the configured provider", async () => {
    expect(await (await new Agent(app.url).get("/login")).text()).toContain("Sign in with Acme SSO");
  });

  test("a verified e-mail matching a user signs in and links the identity", async () => {
    oidc.setUser({ sub: "kc-1", email: "maria@example.com", email_verified: true });
    const agent = new Agent(app.url);
    const res = await signIn(agent);
    expect(res.status).toBe(303);
    expect(await (await agent.get("/overview")).text()).toContain("Hello, Maria");
    // Linked: the same subject signs in even after the provider's e-mail changes.
    oidc.setUser({ sub: "kc-1", email: "maria.new@example.com", email_verified: true });
    expect((await signIn(new Agent(app.url))).status).toBe(303);
  });

  test("an unknown identity never creates an account", async () => {
    oidc.setUser({ sub: "kc-2", email: "stranger@example.com", email_verified: true });
    const res = await signIn(new Agent(app.url));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("No GreenInbox account matches this Acme SSO account");
    expect((await app.deps.db.select().from(users)).map((u) => u.username)).toEqual(["maria"]);
  });

  test("an unverified e-mail does not match", async () => {
    oidc.setUser({ sub: "kc-3", email: "maria@example.com", email_verified: false });
    expect((await signIn(new Agent(app.url))).status).toBe(403);
  });

  test("a wrong state is refused before any token request", async () => {
    oidc.setUser({ sub: "kc-1", email: "maria@example.com", email_verified: true });
    const before = oidc.refused.length;
    const res = await signIn(new Agent(app.url), (cb) => cb.searchParams.set("state", "forged-state-value"));
    expect(res.status).toBe(403);
    expect(oidc.refused.length).toBe(before);
  });

  test("a wrong PKCE verifier is refused by the provider", async () => {
    oidc.setUser({ sub: "kc-1", email: "maria@example.com", email_verified: true });
    const agent = new Agent(app.url);
    const start = await agent.get("/login/oidc");
    agent.cookies.set("gi_oauth_verifier", "x".repeat(43));
    const atProvider = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = new URL(atProvider.headers.get("location")!);
    const res = await agent.get(callback.pathname + callback.search);
    expect(res.status).toBe(403);
    expect(oidc.refused.at(-1)).toBe("pkce");
  });

  test("providers that are not configured do not exist", async () => {
    expect((await new Agent(app.url).get("/login/github")).status).toBe(404);
  });
});
