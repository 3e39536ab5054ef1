// The instance gate applied to every instance-scoped route, as a matrix over users, instances and routes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.tsx";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let instanceA: number;
let instanceB: number;
const agents: Record<string, Agent> = {};

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { db, users } = app.deps;
  instanceA = await insertInstance(db, "Sales");
  instanceB = await insertInstance(db, "Support");
  await insertChat(db, instanceA, "79001110000@c.us", "Anna from Sales chat");
  await insertChat(db, instanceB, "79002220000@lid", "Boris from Support chat");
  await users.create({ username: "admin", password: "password-1", isAdmin: true });
  const a = await users.create({ username: "agent-a", password: "password-1" });
  const b = await users.create({ username: "manager-b", password: "password-1", canManageInstances: true });
  await users.create({ username: "nobody", password: "password-1" });
  await grant(db, a.id, instanceA);
  await grant(db, b.id, instanceB);
  for (const name of ["admin", "agent-a", "manager-b", "nobody"]) {
    agents[name] = new Agent(app.url);
    expect((await agents[name].login(name, "password-1")).status).toBe(303);
  }
}, 30_000);
afterAll(() => app.stop());

/** Every GET route that takes an instance id, read from the app's own routing table. */
function instanceRoutes(): string[] {
  const routes = createApp(app.deps).routes.filter((r) => r.method === "GET" && r.path.includes(":instanceId") && !r.path.endsWith("*"));
  return [...new Set(routes.map((r) => r.path))];
}

const allowed: Record<string, ("A" | "B")[]> = { admin: ["A", "B"], "agent-a": ["A"], "manager-b": ["B"], nobody: [] };

describe("instance gate matrix", () => {
  test("the app has instance-scoped routes to check", () => {
    expect(instanceRoutes().length).toBeGreaterThanOrEqual(2);
  });

  for (const name of Object.keys(allowed)) {
    test(`${name}: 200 on own instances, 404 elsewhere, on every instance route`, async () => {
      const results: string[] = [];
      for (const route of instanceRoutes()) {
        for (const [label, id] of [["A", instanceA], ["B", instanceB], ["missing", 999999]] as const) {
          const path = route.replace(/:instanceId(\{[^}]*\})?/, String(id));
          const res = await agents[name]!.get(path);
          const expected = allowed[name]!.includes(label as "A" | "B") ? 200 : 404;
          results.push(`${path} ${res.status === expected ? "ok" : `got ${res.status}, want ${expected}`}`);
        }
      }
      expect(results.filter((r) => !r.endsWith("ok"))).toEqual([]);
    });
  }

  test("chat lists only show chats of visible instances", async () => {
    const a = await (await agents["agent-a"]!.get("/chats")).text();
    expect(a).toContain("Anna from Sales chat");
    expect(a).not.toContain("Boris from Support chat");
    const nobody = await (await agents.nobody!.get("/chats")).text();
    expect(nobody).not.toContain("Anna from Sales chat");
    expect(nobody).toContain("No conversations yet");
    const admin = await (await agents.admin!.get("/chats")).text();
    expect(admin).toContain("Anna from Sales chat");
    expect(admin).toContain("Boris from Support chat");
  });

  test("the dashboard and the numbers page only list visible instances", async () => {
    const b = await (await agents["manager-b"]!.get("/instances")).text();
    expect(b).toContain("Support");
    expect(b).not.toContain("Sales");
    const nobody = await (await agents.nobody!.get("/")).text();
    expect(nobody).toContain("No WhatsApp numbers yet");
    expect(nobody).toContain("Ask an admin");
    const dashboard = await (await agents.admin!.get("/")).text();
    expect(dashboard).toContain("1 chat · 2 unread");
  });

  test("the users page counts each user's sessions", async () => {
    const html = await (await agents.admin!.get("/users")).text();
    expect(html).toMatch(/@agent-a[\s\S]*?1 active session</);
  });

  test("anonymous requests to instance routes go to the login page", async () => {
    const res = await new Agent(app.url).get(`/instances/${instanceA}/chats`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toStartWith("/login");
  });

  test("the API token never appears on instance pages", async () => {
    const html = await (await agents.admin!.get(`/instances/${instanceA}`)).text();
    expect(html).toContain("Sales");
    expect(html).toContain("<dt>Chats</dt><dd>1</dd>");
    expect(html).not.toContain("a".repeat(50));
  });
});
