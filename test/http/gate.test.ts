// The instance gate applied to every instance-scoped route, as a matrix over users, instances and routes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { messages } from "../../src/db/schema/index.ts";
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

/** Every route of a method that takes an instance id, read from the app's own routing table. */
function instanceRoutes(method = "GET"): string[] {
  const routes = createApp(app.deps).routes.filter(
    (r) => r.method === method && r.path.includes(":instanceId") && !r.path.endsWith("*"),
  );
  return [...new Set(routes.map((r) => r.path))];
}

/** Fills every path parameter: the instance id, and 1 for any other id. */
function concrete(route: string, instanceId: number): string {
  return route.replace(/:instanceId(\{[^}]*\})?/, String(instanceId)).replace(/:\w+(\{[^}]*\})?/g, "1");
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
        for (const [label, id] of [
          ["A", instanceA],
          ["B", instanceB],
          ["missing", 999999],
        ] as const) {
          const path = concrete(route, id);
          const res = await agents[name]!.get(path);
          const visible = allowed[name]!.includes(label as "A" | "B");
          // Routes with further ids (a chat, a message) may 404 for their own reasons when the instance is visible.
          if (visible && /:(?!instanceId)\w+/.test(route)) continue;
          const expected = visible ? 200 : 404;
          results.push(`${path} ${res.status === expected ? "ok" : `got ${res.status}, want ${expected}`}`);
        }
      }
      expect(results.filter((r) => !r.endsWith("ok"))).toEqual([]);
    });
  }

  test("every state-changing instance route refuses users without access with 404, before reading the body", async () => {
    const posts = instanceRoutes("POST");
    expect(posts.length).toBeGreaterThanOrEqual(1);
    const wrong: string[] = [];
    for (const route of posts) {
      for (const [name, id] of [
        ["agent-a", instanceB],
        ["manager-b", instanceA],
        ["nobody", instanceA],
        ["nobody", instanceB],
      ] as const) {
        const res = await agents[name]!.post(concrete(route, id), {
          text: "should never be sent",
          to: "+7 900 000-00-00",
        });
        if (res.status !== 404) wrong.push(`${name} POST ${concrete(route, id)}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await app.deps.db.select().from(messages).where(eq(messages.text, "should never be sent"))).toEqual([]);
  });

  test("chat lists only show chats of visible instances", async () => {
    const a = await (await agents["agent-a"]!.get("/chats")).text();
    expect(a).toContain("Anna from Sales chat");
    expect(a).not.toContain("Boris from Support chat");
    const nobody = await (await agents.nobody!.get("/chats")).text();
    expect(nobody).not.toContain("Anna from Sales chat");
    expect(nobody).toContain("No WhatsApp numbers yet"); // no number at all: what to do next
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
    const dashboard = await (await agents.admin!.get("/overview")).text();
    expect(dashboard).toContain("1 chat · 0 messages");
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
