// The first page and the navigation over HTTP: `/` is the inbox, the overview is a section of its own, the empty states
// of a user without numbers say what to do next (a manager gets "Connect a number"), and a conversation opened by its
// URL belongs to "Chats", not to "Numbers".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let admin: Agent;
let anna: Agent;

/** The href of the navigation item marked as the current page. */
const current = (html: string) =>
  [...html.matchAll(/<a href="([^"]+)" class="nav-link active" aria-current="page"/g)].map((m) => m[1]);
const connect = /<a class="button primary" href="\/instances\/new" data-connect-number="true">Connect a number<\/a>/;

async function signedIn(username: string): Promise<Agent> {
  const agent = new Agent(app.url);
  expect((await agent.login(username, "password-1")).status).toBe(303);
  return agent;
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  await app.deps.users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  admin = await signedIn("admin");
  anna = await signedIn("anna");
}, 30_000);
afterAll(() => app?.stop());

describe("without any number", () => {
  test("signing in lands in the inbox, which offers a manager to connect a number", async () => {
    const fresh = new Agent(app.url);
    const res = await fresh.login("admin", "password-1");
    expect(res.headers.get("location")).toBe("/");
    const html = await (await fresh.get("/")).text();
    expect(html).toContain('<h1 id="chats-title">Chats</h1>');
    expect(html).toContain("<title>Chats · GreenInbox</title>");
    expect(current(html)).toEqual(["/chats"]);
    expect(html).toContain("No WhatsApp numbers yet");
    expect(html).toMatch(connect);
    expect(html).not.toContain("No conversations yet");
  });

  test("a user who may not manage numbers is told whom to ask, with no button", async () => {
    const html = await (await anna.get("/")).text();
    expect(html).toContain("Ask an admin to connect a number or to give you access to one.");
    expect(html).not.toContain("data-connect-number");
  });

  test("the overview is in the navigation, and its empty state has the same button for managers only", async () => {
    const page = await admin.get("/overview");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Hello, Admin");
    expect(current(html)).toEqual(["/overview"]);
    expect(html).toMatch(connect);
    expect(await (await anna.get("/overview")).text()).not.toContain("data-connect-number");
    expect(await (await admin.get("/chats")).text()).toContain('href="/overview"');
  });
});

describe("with a number and a chat", () => {
  let instanceId: number;
  let chatId: number;
  beforeAll(async () => {
    instanceId = await insertInstance(app.deps.db, "Sales");
    chatId = await insertChat(app.deps.db, instanceId, "79001112233@c.us", "Carol");
    const user = await app.deps.users.findByUsername("anna");
    await grant(app.deps.db, user!.id, instanceId);
  });

  test("the inbox lists the chats; the empty state of numbers is gone", async () => {
    const html = await (await anna.get("/")).text();
    expect(html).toContain(`id="chat-${chatId}"`);
    expect(html).not.toContain("No WhatsApp numbers yet");
  });

  test("a conversation or a number's chat list opened by URL highlights Chats; the number's pages, Numbers", async () => {
    for (const path of [
      `/instances/${instanceId}/chats/${chatId}`,
      `/instances/${instanceId}/chats`,
      "/chats?tab=mine",
    ])
      expect(current(await (await admin.get(path)).text())).toEqual(["/chats"]);
    for (const path of ["/instances", `/instances/${instanceId}`, `/instances/${instanceId}/edit`])
      expect(current(await (await admin.get(path)).text())).toEqual(["/instances"]);
    expect(current(await (await admin.get("/users")).text())).toEqual(["/users"]);
    expect(current(await (await admin.get("/settings")).text())).toEqual(["/settings"]);
  });
});
