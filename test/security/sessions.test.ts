// Sessions under attack: fixation, cookie flags (plain and behind https), expired, revoked and disabled sessions,
// and sign-in throttling.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { auditLog, sessions, users } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let app: TestApp;
const PASSWORD = "password-123";

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp({ LOGIN_MAX_FAILURES: "3", SESSION_TTL_DAYS: "2" });
  for (const username of ["alice", "bob", "carol", "dave", "erin"])
    await app.deps.users.create({ username, password: PASSWORD });
}, 30_000);
afterAll(() => app.stop());

const sessionCookie = (res: Response) =>
  res.headers.getSetCookie().find((c) => c.startsWith("gi_session=") && !/max-age=0/i.test(c));
const isSignedOut = async (agent: Agent) => {
  const res = await agent.get("/settings");
  return res.status === 303 && res.headers.get("location")?.startsWith("/login");
};

describe("session fixation", () => {
  test("a planted cookie is not adopted: sign-in issues a new token and the planted one stays worthless", async () => {
    const agent = new Agent(app.url);
    const planted = "fixedsessionid0000000000.fixedsecret000000000000000000";
    agent.cookies.set("gi_session", planted);
    const res = await agent.login("alice", PASSWORD);
    expect(res.status).toBe(303);
    const token = agent.cookies.get("gi_session")!;
    expect(sessionCookie(res)).toBeDefined();
    expect(token).not.toBe(planted);
    expect(token.split(".")[0]).not.toBe("fixedsessionid0000000000");
    const victim = new Agent(app.url);
    victim.cookies.set("gi_session", planted);
    expect(await isSignedOut(victim)).toBe(true);
    expect(await app.deps.db.select().from(sessions).where(eq(sessions.id, "fixedsessionid0000000000"))).toEqual([]);
  });

  test("signing in over a valid session (say, an attacker's own) ends it and issues a new one", async () => {
    const attacker = new Agent(app.url);
    await attacker.login("bob", PASSWORD);
    const plantedToken = attacker.cookies.get("gi_session")!;
    const victim = new Agent(app.url);
    victim.cookies.set("gi_session", plantedToken);
    expect((await victim.login("alice", PASSWORD)).status).toBe(303);
    const fresh = victim.cookies.get("gi_session")!;
    expect(fresh).not.toBe(plantedToken);
    expect(await (await victim.get("/settings")).text()).toContain('value="alice"');
    // The planted session is gone: whoever kept a copy of it is signed out too.
    expect(await isSignedOut(attacker)).toBe(true);
  });
});

describe("cookie flags", () => {
  test("session and CSRF cookies are HttpOnly, SameSite=Lax, Path=/, not Secure over plain http", async () => {
    const agent = new Agent(app.url);
    const page = await agent.get("/login");
    const csrf = page.headers.getSetCookie().find((c) => c.startsWith("gi_csrf="))!;
    const res = await agent.login("carol", PASSWORD);
    for (const cookie of [csrf, sessionCookie(res)!]) {
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).not.toMatch(/; Secure/i);
    }
    expect(sessionCookie(res)).toMatch(/; Max-Age=172800/);
  });

  test("behind an https PUBLIC_URL every cookie is Secure", async () => {
    const secure = await startTestApp({ PUBLIC_URL: "https://inbox.example.com" });
    try {
      const agent = new Agent(secure.url, { origin: "https://inbox.example.com" });
      const page = await agent.get("/login");
      const res = await agent.login("carol", PASSWORD);
      const cookies = [...page.headers.getSetCookie(), ...res.headers.getSetCookie()].filter((c) =>
        /^gi_(session|csrf)=/.test(c),
      );
      expect(cookies.length).toBeGreaterThanOrEqual(2);
      for (const cookie of cookies) expect(cookie).toMatch(/; Secure/i);
    } finally {
      await secure.stop();
    }
  });
});

describe("ended sessions", () => {
  test("an expired session is refused, its cookie cleared and its row removed", async () => {
    const agent = new Agent(app.url);
    await agent.login("dave", PASSWORD);
    const id = agent.cookies.get("gi_session")!.split(".")[0]!;
    const stale = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await app.deps.db
      .update(sessions)
      .set({ lastVerifiedAt: sql`${stale}::timestamptz` })
      .where(eq(sessions.id, id));
    const res = await agent.get("/settings");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toStartWith("/login");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("gi_session=") && /max-age=0/i.test(c))).toBe(true);
    expect(await app.deps.db.select().from(sessions).where(eq(sessions.id, id))).toEqual([]);
  });

  test("a revoked session is refused for pages, partials, actions and the live stream", async () => {
    const agent = new Agent(app.url);
    await agent.login("dave", PASSWORD);
    const token = agent.cookies.get("gi_session")!;
    await app.deps.sessions.invalidate(token.split(".")[0]!);
    const again = () => {
      const a = new Agent(app.url);
      a.cookies.set("gi_session", token);
      return a;
    };
    expect(await isSignedOut(again())).toBe(true);
    const partial = await again().get("/users/list", { "hx-request": "true" });
    expect(partial.status).toBe(401);
    expect(partial.headers.get("hx-redirect")).toStartWith("/login");
    expect((await again().post("/settings/profile", { displayName: "Hijacked" })).status).toBe(401);
    expect((await again().get("/events", { accept: "text/event-stream" })).status).toBe(303);
    const [row] = await app.deps.db.select({ name: users.displayName }).from(users).where(eq(users.username, "dave"));
    expect(row!.name).toBe("dave");
  });

  test("a disabled account's sessions stop working at once", async () => {
    const agent = new Agent(app.url);
    await agent.login("erin", PASSWORD);
    expect(await isSignedOut(agent)).toBe(false);
    await app.deps.db.update(users).set({ disabled: true }).where(eq(users.username, "erin"));
    expect(await isSignedOut(agent)).toBe(true);
    expect((await new Agent(app.url).login("erin", PASSWORD)).status).toBe(401);
  });
});

describe("throttling", () => {
  test("after N failures the account is locked, even for the right password, and the lock is audited", async () => {
    const attacker = new Agent(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attacker.login("alice", `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    const right = await new Agent(app.url).login("alice", PASSWORD);
    expect(right.status).toBe(429);
    expect(sessionCookie(right)).toBeUndefined();
    expect(await right.text()).toContain("Too many");
    const locks = await app.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.loginLocked"), eq(auditLog.actor, "alice")));
    expect(locks).toHaveLength(1);
    // The lock is per account: others still sign in from the same address.
    expect((await new Agent(app.url).login("bob", PASSWORD)).status).toBe(303);
  });
});
