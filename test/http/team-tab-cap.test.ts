// The chat list's tab counts stop at TAB_COUNT_CAP ("999+"), like unread counts stop at "99+"; smaller tabs stay exact.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chats } from "../../src/db/schema/index.ts";
import { TAB_COUNT_CAP } from "../../src/lib/count-caps.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let admin: Agent;
const HX = { "hx-request": "true" };

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const user = await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  const sales = await insertInstance(app.deps.db, "Sales");
  const at = new Date();
  // TAB_COUNT_CAP + 5 open unassigned chats, 3 resolved, 2 open and assigned to the admin.
  const rows = Array.from({ length: TAB_COUNT_CAP + 10 }, (_, i) => ({
    instanceId: sales,
    waChatId: `7900${String(i).padStart(7, "0")}@c.us`,
    lastMessageAt: at,
    status: (i < 3 ? "resolved" : "open") as "resolved" | "open",
    assigneeId: i >= 3 && i < 5 ? user.id : null,
  }));
  await app.deps.db.insert(chats).values(rows);
  admin = new Agent(app.url);
  await admin.login("admin", "password-1");
}, 30_000);

afterAll(() => app.stop());

describe("tab counts", () => {
  test("a tab with the cap or more chats shows 999+; the others are exact", async () => {
    const tabs = await (await admin.get("/chats/tabs", HX)).text();
    expect(tabs).toMatch(/data-tab-count="all">999\+</);
    expect(tabs).toMatch(/data-tab-count="unassigned">999\+</);
    expect(tabs).toMatch(/data-tab-count="mine">2</);
    expect(tabs).toMatch(/data-tab-count="resolved">3</);
  });

  test("the whole chat-list page shows the same tabs", async () => {
    const page = await (await admin.get("/chats?tab=resolved")).text();
    expect(page).toMatch(/data-tab-count="all">999\+</);
    expect(page).toMatch(/data-tab-count="resolved">3</);
  });
});
