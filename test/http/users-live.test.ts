// The users page updates itself over SSE (sign-ins, locks, changes), only for those who may manage users; unlinking Telegram.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, users } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { openStream } from "../security/sse.ts";

let app: TestApp;
let admin: Agent;
let agent: Agent;
let agentId: number;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  agentId = (await app.deps.users.create({ username: "agent", password: "password-1" })).id;
  admin = new Agent(app.url);
  agent = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
  expect((await agent.login("agent", "password-1")).status).toBe(303);
}, 30_000);
afterAll(() => app.stop());

const changes = (text: string) => text.match(/event: users\.changed/g)?.length ?? 0;

describe("live users page", () => {
  test("the list refreshes itself from /users/list on users.changed; others may not fetch it", async () => {
    const page = await (await admin.get("/users")).text();
    expect(page).toContain(`id="users-list" hx-get="/users/list" hx-trigger="sse:users.changed"`);
    const list = await admin.get("/users/list");
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toStartWith(`<ul class="cards" id="users-list"`);
    expect(html).not.toContain("<html");
    expect((await agent.get("/users/list")).status).toBe(403);
  });

  test("a sign-in, a lock and a new user reach admins' streams, never other users' streams", async () => {
    const adminStream = await openStream(admin);
    const agentStream = await openStream(agent);
    try {
      expect((await new Agent(app.url).login("agent", "password-1")).status).toBe(303);
      await adminStream.until(/event: users\.changed/);
      expect(await (await admin.get("/users/list")).text()).toMatch(/@agent[\s\S]*?2 active sessions/);

      const stranger = new Agent(app.url);
      for (let i = 0; i < app.config.LOGIN_MAX_FAILURES; i++) await stranger.login("agent", "wrong-password");
      await adminStream.until(/(event: users\.changed[\s\S]*){2}/);
      expect(await (await admin.get("/users/list")).text()).toMatch(/@agent[\s\S]*?locked after failed sign-ins/);

      expect(
        (await admin.post("/users", { username: "newbie", displayName: "Newbie", password: "password-123" })).status,
      ).toBe(303);
      await adminStream.until(/(event: users\.changed[\s\S]*){3}/);
      expect(await (await admin.get("/users/list")).text()).toContain("@newbie");

      // The agent's stream got none of it: a notice sent after everything arrives with no users.changed before it.
      app.deps.bus.publish({ name: EVENTS.notice, userId: agentId, data: { html: "after-the-changes" } });
      const seen = await agentStream.until(/after-the-changes/);
      expect(changes(seen)).toBe(0);
    } finally {
      await adminStream.close();
      await agentStream.close();
    }
  });
});

describe("unlinking Telegram", () => {
  const linked = async () =>
    (await app.deps.db.select({ tg: users.telegramUserId }).from(users).where(eq(users.id, agentId)))[0]!.tg;

  test("clears the linked account, records it in the audit log and refreshes the users page", async () => {
    await app.deps.db.update(users).set({ telegramUserId: 555000111 }).where(eq(users.id, agentId));
    const me = new Agent(app.url);
    await app.deps.throttle.recordSuccess("agent");
    expect((await me.login("agent", "password-1")).status).toBe(303);
    const adminStream = await openStream(admin);
    try {
      const res = await me.post("/settings/telegram/unlink");
      expect(res.status).toBe(303);
      expect(await linked()).toBeNull();
      const rows = await app.deps.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "user.telegramUnlinked"), eq(auditLog.userId, agentId)));
      expect(rows).toHaveLength(1);
      await adminStream.until(/event: users\.changed/);
      expect(await (await admin.get("/users/list")).text()).not.toMatch(/@agent[^<]*<\/span>[^\n]*Telegram linked/);
      // Nothing left to unlink.
      expect((await me.post("/settings/telegram/unlink")).status).toBe(404);
    } finally {
      await adminStream.close();
    }
  });

  test("is refused while sign-in codes are required (the user could not sign in any more)", async () => {
    await app.deps.db.update(users).set({ telegramUserId: 555000112, require2fa: true }).where(eq(users.id, agentId));
    const res = await agent.post("/settings/telegram/unlink");
    expect(res.status).toBe(303);
    expect(await (await agent.get("/settings")).text()).toContain("cannot be unlinked");
    expect(await linked()).toBe(555000112);
  });

  test("needs the CSRF token", async () => {
    const res = await agent.post("/settings/telegram/unlink", {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(await linked()).toBe(555000112);
  });
});
