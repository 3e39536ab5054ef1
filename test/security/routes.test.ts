// Route inventory: every registered route is public by an explicit allow-list, or refuses anonymous visitors;
// every route that names an instance sits behind the instance gate. A new route without either fails here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.tsx";
import { INSTANCE_SCOPE } from "../../src/auth/instance-gate.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";

/** Routes anyone may call, and what they answer an anonymous caller with. */
const PUBLIC: Record<string, number[]> = {
  "GET /login": [200],
  "POST /login": [400, 401, 429],
  "GET /setup": [404],
  "POST /setup": [404],
  "GET /healthz": [200],
  // The service worker: public asset URLs and the offline page only (public/sw.js), loaded before any sign-in.
  "GET /sw.js": [200],
  "GET /readyz": [200],
  // Prometheus scrapes with a Bearer token (or an admin session): anonymous callers get 401, not the sign-in page.
  "GET /metrics": [401],
  // The second sign-in step: without a pending challenge it sends the visitor back to /login.
  "GET /login/code": [303],
  "POST /login/code": [303],
  // Linking Telegram before the code (codes required, none linked): the same, without a challenge at that stage.
  "GET /login/link": [303],
  "POST /login/link": [303],
  "POST /login/link/done": [303],
  // OAuth sign-in: 404 here because no provider is configured in this test.
  "GET /login/:provider{github|google|oidc}": [404],
  "GET /login/:provider{github|google|oidc}/callback": [404],
  "GET /public/*": [404],
  "POST /webhooks/green-api/:instanceId{[0-9]{1,9}}": [401],
};

let app: TestApp;
let instanceId: number;

beforeAll(async () => {
  ({ app, instanceId } = await startAppWithInstance("Inventory"));
}, 30_000);
afterAll(() => app.stop());

function inventory() {
  const seen = new Set<string>();
  return createApp(app.deps)
    .routes.filter((r) => r.method !== "ALL")
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function concrete(path: string): string {
  return path
    .replace(/:instanceId(\{[^}]*\})?/, String(instanceId))
    .replace(/:\w+(\{[^}]*\})?/g, "1")
    .replace(/\*$/, "nothing-here.txt");
}

describe("route inventory", () => {
  test("every route is public by the allow-list or closed to anonymous visitors", async () => {
    const agent = new Agent(app.url);
    await agent.get("/login"); // gets the CSRF cookie, so POSTs reach the sign-in check rather than the CSRF check
    const wrong: string[] = [];
    for (const r of inventory()) {
      const key = `${r.method} ${r.path}`;
      const path = concrete(r.path);
      const res =
        r.method === "GET" ? await agent.get(path) : await agent.post(path, {}, { headers: { accept: "text/html" } });
      await res.body?.cancel();
      const allowed = PUBLIC[key];
      if (allowed) {
        if (!allowed.includes(res.status)) wrong.push(`${key}: public route answered ${res.status}`);
        continue;
      }
      const closed =
        r.method === "GET"
          ? res.status === 303 && res.headers.get("location")?.startsWith("/login")
          : res.status === 401;
      if (!closed) wrong.push(`${key}: anonymous ${r.method} answered ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  test("every route naming an instance is under the gated scope", () => {
    const outside = inventory()
      .map((r) => r.path)
      .filter((p) => p.includes(":instanceId") && !p.startsWith(INSTANCE_SCOPE) && !p.startsWith("/webhooks/"));
    expect(outside).toEqual([]);
  });

  test("the allow-list names only routes that exist", () => {
    const keys = new Set(inventory().map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(PUBLIC).filter((k) => !keys.has(k))).toEqual([]);
  });

  test("every state-changing route needs the CSRF token, even for anonymous visitors", async () => {
    const wrong: string[] = [];
    for (const r of inventory().filter((r) => r.method !== "GET" && !r.path.startsWith("/webhooks/"))) {
      const res = await fetch(app.url + concrete(r.path), {
        method: r.method,
        redirect: "manual",
        body: new URLSearchParams({ a: "b" }),
      });
      await res.body?.cancel();
      if (res.status !== 403) wrong.push(`${r.method} ${r.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
