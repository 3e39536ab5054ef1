// The audit log page: admins only, filters, keyset paging, retention pruning.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { auditLog } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let app: TestApp;
let admin: Agent;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  await app.deps.users.create({ username: "boss", password: "boss-password", isAdmin: true });
  await app.deps.users.create({ username: "clerk", password: "clerk-password", canManageUsers: true });
  admin = new Agent(app.url);
  await admin.login("boss", "boss-password");
  await new Agent(app.url).login("clerk", "wrong-password");
  for (let i = 0; i < 60; i++)
    await app.deps.audit.record({ action: "user.updated", actor: "boss", target: `user:${i}` });
}, 30_000);
afterAll(() => app.stop());

test("only administrators see the audit log", async () => {
  const clerk = new Agent(app.url);
  await clerk.login("clerk", "clerk-password");
  expect((await clerk.get("/audit")).status).toBe(403);
  expect(await (await clerk.get("/users")).text()).not.toContain('href="/audit"');
  expect(await (await admin.get("/users")).text()).toContain('href="/audit"');
});

test("filters by kind and by who, and pages with an older-entries link", async () => {
  const signIns = await (await admin.get("/audit?action=auth")).text();
  expect(signIns).toContain("auth.loginFailed");
  expect(signIns).toContain("auth.login");
  expect(signIns).not.toContain("user.updated");
  const byClerk = await (await admin.get("/audit?actor=CLERK")).text();
  expect(byClerk).toContain("auth.loginFailed");
  expect(byClerk).not.toContain("user:59");

  const first = await (await admin.get("/audit?action=user")).text();
  expect(first).toContain("user:59");
  expect(first).not.toContain("user:9<");
  const older = first.match(/href="(\/audit\?[^"]*before=[^"]+)"/)![1]!.replaceAll("&amp;", "&");
  const second = await (await admin.get(older)).text();
  expect(second).toContain("user:0<");
  expect(second).not.toContain("user:59");
  expect(second).not.toContain("Older entries");
  expect((await admin.get("/audit?before=garbage&action=%27;drop")).status).toBe(200);
});

test("pruning removes entries older than the retention period only", async () => {
  await app.deps.db
    .insert(auditLog)
    .values({ action: "auth.login", actor: "ancient", at: new Date(Date.now() - 400 * 86400_000) });
  expect(await app.deps.audit.prune(365)).toBe(1);
  const rest = await app.deps.db.select().from(auditLog);
  expect(rest.some((r) => r.actor === "ancient")).toBe(false);
  expect(rest.length).toBeGreaterThan(60);
});
