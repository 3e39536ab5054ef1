// The UI shell: security headers, error pages, health check, static files, language setting, live events.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.tsx";
import { EVENTS } from "../../src/events/names.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

let app: TestApp;
let sales: number;
let support: number;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  sales = await insertInstance(app.deps.db, "Sales");
  support = await insertInstance(app.deps.db, "Support");
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  const anna = await app.deps.users.create({ username: "anna", password: "password-1" });
  await grant(app.deps.db, anna.id, sales);
}, 30_000);
afterAll(() => app.stop());

async function signedIn(name: string, headers: Record<string, string> = {}): Promise<Agent> {
  const agent = new Agent(app.url, headers);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

describe("headers and pages", () => {
  test("a CSP without inline script, and the usual hardening headers", async () => {
    const res = await new Agent(app.url).get("/login");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    // Inline style attributes are the one exception (the vendored emoji picker sets them as it renders, src/app.tsx):
    // no inline script, no inline <style> but the picker's own, allowed by its hash.
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0]!, d]));
    expect([...directives].filter(([, d]) => d.includes("unsafe-inline")).map(([name]) => name)).toEqual([
      "style-src-attr",
    ]);
    expect(directives.get("style-src")).toMatch(/^style-src 'self' 'sha256-[\w+/]+={0,2}'$/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toMatch(/src="\/public\/vendor\/htmx\.min\.js\?v=[0-9a-f]{16}"/);
  });

  test("404 is a rendered page in the visitor's language", async () => {
    const agent = await signedIn("anna", { "accept-language": "ru" });
    const res = await agent.get("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Не найдено");
  });

  test("a failing page renders a 500 with a reference and no stack trace", async () => {
    const broken = createApp({
      ...app.deps,
      instances: { ...app.deps.instances, totals: () => Promise.reject(new Error("db exploded at /secret/path.ts:1")) },
    });
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (r, s) => broken.fetch(r, s) });
    try {
      const agent = new Agent(`http://127.0.0.1:${server.port}`);
      await agent.login("anna", "password-1");
      const res = await agent.get("/overview");
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain("Something went wrong");
      expect(html).toContain(`Reference: ${res.headers.get("x-request-id")}`);
      expect(html).not.toContain("exploded");
      expect(html).not.toContain(".ts:");
    } finally {
      server.stop(true);
    }
  });

  test("htmx requests get error fragments aimed at the flash area", async () => {
    const agent = await signedIn("anna");
    const res = await agent.get("/users", { "hx-request": "true" });
    expect(res.status).toBe(403);
    expect(res.headers.get("hx-retarget")).toBe("#flash");
    const html = await res.text();
    expect(html).toStartWith('<p class="flash flash-error"');
    expect(html).not.toContain("<html");
  });

  test("anonymous htmx requests are told to go to the login page", async () => {
    const res = await new Agent(app.url).get("/chats", { "hx-request": "true" });
    expect(res.status).toBe(401);
    expect(res.headers.get("hx-redirect")).toBe("/login?next=%2Fchats");
  });

  test("navigation follows permissions", async () => {
    const anna = await (await (await signedIn("anna")).get("/")).text();
    expect(anna).toContain('href="/chats"');
    expect(anna).toContain('href="/settings"');
    expect(anna).not.toContain('href="/users"');
    const admin = await (await (await signedIn("admin")).get("/")).text();
    expect(admin).toContain('href="/users"');
  });
});

describe("health and static files", () => {
  test("/healthz is 200 with the database and 503 without", async () => {
    const ok = await fetch(`${app.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    const down = createApp({ ...app.deps, ping: () => Promise.reject(new Error("connection refused")) });
    const res = await down.request("/healthz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "database" });
  });

  test("static files carry only the headers a file needs; the offline page, a document, has a policy of its own", async () => {
    const js = await fetch(`${app.url}/public/app.js`);
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    expect(js.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    for (const pageOnly of ["content-security-policy", "x-frame-options", "strict-transport-security"])
      expect(js.headers.get(pageOnly), pageOnly).toBeNull();
    const offline = await fetch(`${app.url}/public/offline.html`);
    expect(offline.headers.get("content-security-policy")).toContain("script-src 'none'");
    const missing = await fetch(`${app.url}/public/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("Not found");
    // Pages keep the whole set.
    expect((await fetch(`${app.url}/login`)).headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  test("vendored htmx 2.0 and its SSE extension are served; traversal is not", async () => {
    const htmx = await fetch(`${app.url}/public/vendor/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("content-type")).toContain("javascript");
    expect(await htmx.text()).toContain('version:"2.0.');
    expect((await fetch(`${app.url}/public/vendor/htmx-ext-sse.js`)).status).toBe(200);
    expect((await fetch(`${app.url}/public/app.css`)).headers.get("content-type")).toContain("text/css");
    for (const path of [
      "/public/..%2Fpackage.json",
      "/public/%2e%2e/package.json",
      "/public/vendor/..%2F..%2Fpackage.json",
    ]) {
      const sneaky = await fetch(app.url + path, { redirect: "manual" });
      expect(await sneaky.text()).not.toContain('"name": "greeninbox"');
      expect(sneaky.status).not.toBe(200);
    }
  });
});

describe("language", () => {
  test("a user's language setting wins over the browser's", async () => {
    const agent = await signedIn("anna", { "accept-language": "en-US" });
    expect(await (await agent.get("/settings")).text()).toContain("Log out on all other devices");
    const saved = await agent.post("/settings/locale", { locale: "ru" });
    expect(saved.status).toBe(303);
    const page = await (await agent.get("/settings")).text();
    expect(page).toContain('<html lang="ru">');
    expect(page).toContain("Выйти на всех других устройствах");
    expect(page).toContain("Сохранено.");
    expect((await agent.post("/settings/locale", { locale: "xx" })).status).toBe(400);
    await agent.post("/settings/locale", { locale: "" });
    expect(await (await agent.get("/settings")).text()).toContain('<html lang="en">');
  });
});

describe("live events", () => {
  async function openStream(agent: Agent) {
    const controller = new AbortController();
    const res = await agent.request("/events", { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    // One read stays pending across calls, so a chunk arriving after a timeout is not lost.
    let pending: ReturnType<typeof reader.read> | null = null;
    return {
      async until(fragment: string, ms = 2000): Promise<string> {
        const deadline = Date.now() + ms;
        while (!text.includes(fragment)) {
          const left = deadline - Date.now();
          if (left <= 0) return text;
          pending ??= reader.read();
          const chunk = await Promise.race([pending, Bun.sleep(left).then(() => null)]);
          if (!chunk) return text;
          pending = null;
          if (chunk.done) return text;
          text += decoder.decode(chunk.value, { stream: true });
        }
        return text;
      },
      close: () => controller.abort(),
    };
  }

  test("each user only receives events of instances they may see", async () => {
    const annaStream = await openStream(await signedIn("anna"));
    const adminStream = await openStream(await signedIn("admin"));
    try {
      await annaStream.until(": connected");
      await adminStream.until(": connected");
      app.deps.bus.publish({ name: EVENTS.notice, instanceId: support, data: { html: "<p>support-only</p>" } });
      app.deps.bus.publish({ name: EVENTS.notice, instanceId: sales, data: { html: "<p>sales-news</p>" } });
      const admin = await adminStream.until("sales-news");
      expect(admin).toContain("event: notice\ndata: <p>support-only</p>");
      expect(admin).toContain("sales-news");
      const anna = await annaStream.until("sales-news");
      expect(anna).toContain("sales-news");
      expect(anna).not.toContain("support-only");
    } finally {
      annaStream.close();
      adminStream.close();
    }
  });

  test("idle streams get keep-alive comments", async () => {
    const stream = await openStream(await signedIn("anna"));
    try {
      expect(await stream.until(": keep-alive", 7000)).toContain(": keep-alive");
    } finally {
      stream.close();
    }
  }, 10_000);

  test("logging out, or being logged out elsewhere, ends that session's stream only", async () => {
    const phone = await signedIn("anna");
    const laptop = await signedIn("anna");
    // Services subscribe too (presence); streams come on top of them.
    const services = app.deps.bus.size;
    const phoneStream = await openStream(phone);
    const laptopStream = await openStream(laptop);
    try {
      await phoneStream.until(": connected");
      await laptopStream.until(": connected");
      expect(app.deps.bus.size).toBe(services + 2);
      await laptop.post("/settings/logout-others");
      expect(await phoneStream.until("event: reload")).toContain("event: reload");
      expect(await laptopStream.until("event: reload", 300)).not.toContain("event: reload");
      expect((await laptop.post("/logout")).status).toBe(303);
      expect(await laptopStream.until("event: reload")).toContain("event: reload");
      await waitFor(() => app.deps.bus.size <= services, 2000);
      expect(app.deps.bus.size).toBe(services);
    } finally {
      phoneStream.close();
      laptopStream.close();
    }
  });

  test("anonymous visitors cannot open the stream", async () => {
    const res = await new Agent(app.url).get("/events");
    expect(res.status).toBe(303);
  });
});
