// Sign-in, sessions, CSRF, throttling and logout through a real listening server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let app: TestApp;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp({ LOGIN_MAX_FAILURES: "5", LOGIN_LOCK_MINUTES: "15" });
  await app.deps.users.create({ username: "admin", password: "correct-horse", isAdmin: true });
  await app.deps.users.create({ username: "maria", password: "maria-password" });
}, 30_000);
afterAll(() => app.stop());

describe("sign-in", () => {
  test("anonymous visitors are sent to the login page", async () => {
    const res = await new Agent(app.url).get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    const deep = await new Agent(app.url).get("/instances");
    expect(deep.headers.get("location")).toBe("/login?next=%2Finstances");
  });

  test("a correct password creates an HttpOnly SameSite session and shows the dashboard", async () => {
    const agent = new Agent(app.url);
    const res = await agent.login("admin", "correct-horse");
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("gi_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const [id, secret] = agent.cookies.get("gi_session")!.split(".");
    expect(id!.length).toBeGreaterThan(10);
    expect(secret!.length).toBeGreaterThan(20);
    const page = await agent.get("/overview");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Hello, admin");
  });

  test("sign-in sends only to paths of this site, whatever the form of next", async () => {
    for (const next of [
      "/\t/evil.example",
      "/%2F/evil.example",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
    ]) {
      const res = await new Agent(app.url).post("/login", { username: "maria", password: "maria-password", next });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/");
    }
    const res = await new Agent(app.url).post("/login", {
      username: "maria",
      password: "maria-password",
      next: "/chats?tab=mine",
    });
    expect(res.headers.get("location")).toBe("/chats?tab=mine");
  });

  test("only the SHA-256 of the secret is stored", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const [id, secret] = agent.cookies.get("gi_session")!.split(".");
    const rows = await app.deps.db.query.sessions.findMany();
    const row = rows.find((r) => r.id === id)!;
    expect(row.secretHash).not.toContain(secret!);
    expect(row.secretHash).toBe(new Bun.CryptoHasher("sha256").update(secret!).digest("hex"));
  });

  test("a tampered session secret is refused", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const [id] = agent.cookies.get("gi_session")!.split(".");
    agent.cookies.set("gi_session", `${id}.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
    const res = await agent.get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
  });

  test("Secure cookies when PUBLIC_URL is https", async () => {
    const secure = await startTestApp({ PUBLIC_URL: "https://inbox.example.com" });
    try {
      const res = await new Agent(secure.url, { origin: "https://inbox.example.com" }).login("maria", "maria-password");
      expect(res.headers.getSetCookie().find((c) => c.startsWith("gi_session="))).toContain("Secure");
    } finally {
      await secure.stop();
    }
  });

  test("redirects only to local paths after sign-in", async () => {
    const agent = new Agent(app.url);
    const res = await agent.post("/login", { username: "maria", password: "maria-password", next: "//evil.example/x" });
    expect(res.headers.get("location")).toBe("/");
    const ok = await new Agent(app.url).post("/login", {
      username: "maria",
      password: "maria-password",
      next: "/settings",
    });
    expect(ok.headers.get("location")).toBe("/settings");
  });
});

describe("CSRF", () => {
  test("a POST without the token is refused with 403", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const res = await agent.post("/settings/logout-others", {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("This form expired or came from another site");
    const login = await new Agent(app.url).post(
      "/login",
      { username: "maria", password: "maria-password" },
      { csrf: false },
    );
    expect(login.status).toBe(403);
  });

  test("a wrong token or a foreign origin is refused", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const wrong = await agent.request("/settings/logout-others", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-csrf-token": "x".repeat(24) },
      body: "",
    });
    expect(wrong.status).toBe(403);
    const foreign = await agent.post("/settings/logout-others", {}, { headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const crossSite = await agent.post("/settings/logout-others", {}, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
  });

  test("the htmx header form of the token is accepted", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const res = await agent.request("/settings/logout-others", {
      method: "POST",
      headers: { "x-csrf-token": agent.cookies.get("gi_csrf")!, origin: app.url },
    });
    expect(res.status).toBe(303);
  });
});

describe("logout", () => {
  test("logout ends the session on the server", async () => {
    const agent = new Agent(app.url);
    await agent.login("maria", "maria-password");
    const token = agent.cookies.get("gi_session")!;
    const res = await agent.post("/logout");
    expect(res.headers.get("location")).toBe("/login");
    expect(agent.cookies.has("gi_session")).toBe(false);
    const stolen = new Agent(app.url);
    stolen.cookies.set("gi_session", token);
    expect((await stolen.get("/")).status).toBe(303);
  });

  test("log out on all other devices keeps this one and kills the others", async () => {
    const phone = new Agent(app.url);
    const laptop = new Agent(app.url);
    await phone.login("maria", "maria-password");
    await laptop.login("maria", "maria-password");
    const res = await laptop.post("/settings/logout-others");
    expect(res.status).toBe(303);
    expect((await laptop.get("/")).status).toBe(200);
    expect((await phone.get("/")).status).toBe(303);
  });

  test("an admin can log a user out on all devices", async () => {
    const maria = new Agent(app.url);
    await maria.login("maria", "maria-password");
    const admin = new Agent(app.url);
    await admin.login("admin", "correct-horse");
    const mariaUser = await app.deps.users.findByUsername("maria");
    const res = await admin.post(`/users/${mariaUser!.id}/logout-all`);
    expect(res.status).toBe(303);
    expect((await maria.get("/")).status).toBe(303);
    expect((await admin.get("/")).status).toBe(200);
  });

  test("a user without the capability may not log others out", async () => {
    const maria = new Agent(app.url);
    await maria.login("maria", "maria-password");
    const admin = await app.deps.users.findByUsername("admin");
    expect((await maria.post(`/users/${admin!.id}/logout-all`)).status).toBe(403);
    expect((await maria.get("/users")).status).toBe(403);
  });
});

describe("throttling", () => {
  test("five wrong passwords lock the account with a clear message, also after a restart", async () => {
    await app.deps.users.create({ username: "olga", password: "olga-password" });
    const agent = new Agent(app.url, { "x-forwarded-for": "10.0.0.1" });
    for (let i = 0; i < 4; i++) expect((await agent.login("olga", "wrong")).status).toBe(401);
    const fifth = await agent.login("olga", "wrong");
    expect(fifth.status).toBe(429);
    expect(await fifth.text()).toContain("Too many failed sign-ins. Try again in 15 minutes.");
    // Even the right password is refused while locked.
    expect((await agent.login("olga", "olga-password")).status).toBe(429);

    // A restarted app (new process state, same database) still refuses.
    const restarted = await startTestApp();
    try {
      const res = await new Agent(restarted.url).login("olga", "olga-password");
      expect(res.status).toBe(429);
    } finally {
      await restarted.stop();
    }
  });

  test("the lock message is translated", async () => {
    const agent = new Agent(app.url, { "accept-language": "ru-RU,ru;q=0.9" });
    const res = await agent.login("olga", "olga-password");
    expect(await res.text()).toContain("Слишком много неудачных попыток входа");
  });
});

describe("behind one trusted proxy (TRUST_PROXY=1)", () => {
  test("a faked X-Forwarded-For neither escapes the per-IP lock nor lands in the audit log", async () => {
    const proxied = await startTestApp({ TRUST_PROXY: "1", LOGIN_MAX_FAILURES: "2" });
    const before = new Set((await proxied.deps.db.query.auditLog.findMany()).map((e) => e.id));
    try {
      // As nginx with `$proxy_add_x_forwarded_for` passes it: what the client sent, then the address nginx saw.
      const real = "198.51.100.23";
      let status = 0;
      for (let i = 0; i < 8 && status !== 429; i++) {
        const res = await new Agent(proxied.url, { "x-forwarded-for": `10.9.${i}.1, ${real}` }).login(
          `nobody${i}`,
          "wrong",
        );
        status = res.status;
      }
      // Eight different usernames: only the per-IP limit (4 x 2 failures) can lock, and it does on the eighth.
      expect(status).toBe(429);
      await proxied.deps.users.create({ username: "proxied", password: "proxied-password" });
      const agent = new Agent(proxied.url, { "x-forwarded-for": `not-an-ip, ${real}` });
      expect((await agent.login("proxied", "proxied-password")).status).toBe(429);
      const fresh = new Agent(proxied.url, { "x-forwarded-for": `${real}, 198.51.100.24` });
      expect((await fresh.login("proxied", "proxied-password")).status).toBe(303);
      const entries = await proxied.deps.db.query.auditLog.findMany();
      const ips = new Set(entries.filter((e) => !before.has(e.id)).map((e) => e.ip));
      expect(ips.has("198.51.100.24")).toBe(true);
      for (const ip of ips) expect([real, "198.51.100.24"]).toContain(ip ?? "");
    } finally {
      await proxied.stop();
    }
  });
});
