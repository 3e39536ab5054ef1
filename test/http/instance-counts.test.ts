// Chat and message counts on number cards and the dashboard: a per-process snapshot that is recomputed once it is older
// than its TTL (stale one served meanwhile), within what the user may see; no team-wide "unread" on the cards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { messages } from "../../src/db/schema/index.ts";
import type { Db } from "../../src/db/client.ts";
import { createInstanceService } from "../../src/instances/service.ts";
import type { SessionUser } from "../../src/auth/sessions.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat, insertInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

let app: TestApp;
let db: Db;
let sales: number;
let support: number;
let salesChat: number;
let managerId: number;

const admin = (): SessionUser => ({
  id: 1,
  username: "a",
  displayName: "A",
  isAdmin: true,
  canManageUsers: true,
  canManageInstances: true,
  locale: null,
  instanceIds: [],
});

async function addMessages(instanceId: number, chatId: number, n: number, sentAt = new Date()) {
  await db.insert(messages).values(
    Array.from({ length: n }, (_, i) => ({
      instanceId,
      chatId,
      direction: "in" as const,
      type: "textMessage",
      via: "whatsapp" as const,
      text: `m${i}`,
      idMessage: `C${instanceId}-${chatId}-${Math.random()}`,
      sentAt,
    })),
  );
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  db = app.deps.db;
  sales = await insertInstance(db, "Sales");
  support = await insertInstance(db, "Support");
  salesChat = await insertChat(db, sales, "79001000001@c.us", "Ann");
  await insertChat(db, sales, "79001000002@c.us", "Bob");
  const supportChat = await insertChat(db, support, "79001000003@c.us", "Cid");
  await addMessages(sales, salesChat, 3);
  await addMessages(sales, salesChat, 2, new Date(Date.now() - 3 * 86_400_000)); // not today
  await addMessages(support, supportChat, 4);
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  const manager = await app.deps.users.create({ username: "manager", password: "password-1" });
  managerId = manager.id;
  await grant(db, manager.id, support);
}, 30_000);

afterAll(async () => {
  await app.stop();
});

describe("the counts snapshot", () => {
  test("counts chats, messages and today's messages per number", async () => {
    const service = createInstanceService(db);
    const counts = await service.counts();
    expect(counts.get(sales)).toEqual({ chats: 2, messages: 5, messagesToday: 3 });
    expect(counts.get(support)).toEqual({ chats: 1, messages: 4, messagesToday: 4 });
    const view = await service.getView(sales);
    expect(view).toMatchObject({ chatCount: 2, messageCount: 5 });
    expect(view).not.toHaveProperty("unread");
  });

  test("is reused within its TTL, then served stale once while a refresh runs, then fresh", async () => {
    let clock = 1_000_000;
    const service = createInstanceService(db, { countsTtlMs: 60_000, now: () => clock });
    expect((await service.counts()).get(support)?.messages).toBe(4);
    const supportChat = await insertChat(db, support, "79001000004@c.us", "Dan");
    await addMessages(support, supportChat, 6);
    clock += 59_999;
    expect((await service.getView(support))?.messageCount).toBe(4);
    clock += 1;
    expect((await service.getView(support))?.messageCount).toBe(4); // stale, refresh started
    const fresh = await waitFor(async () => {
      const n = (await service.counts()).get(support)?.messages ?? 0;
      return n === 10 && n;
    }, 2000);
    expect(fresh).toBe(10);
    expect((await service.getView(support))?.chatCount).toBe(2);
  });

  test("dashboard totals add up only the numbers the user may see", async () => {
    const service = createInstanceService(db);
    const all = await service.totals(admin());
    expect(all).toEqual({ instances: 2, chats: 4, messagesToday: 13 });
    const manager: SessionUser = {
      ...admin(),
      id: managerId,
      isAdmin: false,
      canManageUsers: false,
      canManageInstances: false,
      instanceIds: [support],
    };
    expect(await service.totals(manager)).toEqual({ instances: 1, chats: 2, messagesToday: 10 });
    expect(await service.totals({ ...manager, instanceIds: [] })).toEqual({ instances: 0, chats: 0, messagesToday: 0 });
  });
});

describe("pages", () => {
  test("the cards show chats and messages, and no team-wide unread count", async () => {
    const agent = new Agent(app.url);
    await agent.login("admin", "password-1");
    const html = await (await agent.get("/instances")).text();
    expect(html).toContain("2 chats · 10 messages");
    expect(html).toContain("2 chats · 5 messages");
    expect(html).not.toMatch(/\d+ unread/);
    const card = await (await agent.get(`/instances/${sales}/card`)).text();
    expect(card).toContain("2 chats · 5 messages");
  });

  test("the dashboard of a manager counts only their number; unread chats are their own", async () => {
    const agent = new Agent(app.url);
    await agent.login("manager", "password-1");
    const html = await (await agent.get("/overview")).text();
    const stats = [...html.matchAll(/<li><strong>(\d+)<\/strong><span>([^<]+)<\/span><\/li>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    // Messages older than the account are not unread for it: only Dan's 6 (inserted after the manager) are.
    expect(stats).toEqual(["1 number", "2 chats", "1 chat with unread messages", "10 messages today"]);
    expect(html).toContain("2 chats · 10 messages");
    expect(html).not.toContain("Sales");
  });
});
