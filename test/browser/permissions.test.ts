// Browser: an admin gives a manager one number, the manager sees only it, loses it live (no re-sign-in), and
// "log out on all devices" ends the manager's sessions in two browsers at once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { users } from "../../src/db/schema/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { incoming } from "../support/telegram.ts";
import { ARTIFACTS, DESKTOP, launchChromium, openWatched, signIn, type Watched } from "./watch.ts";

const PASSWORD = "correct-horse-battery";
let app: TestApp;
let browser: Browser;
let alpha: number;
let bravo: number;
let alphaChat: number;
let bravoChat: number;
let admin: Watched;
let manager: Watched;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  app = await startTestApp();
  alpha = await insertInstance(app.deps.db, "Alpha Sales");
  bravo = await insertInstance(app.deps.db, "Bravo Support");
  alphaChat = await insertChat(app.deps.db, alpha, "79001110001@c.us", "Anna Alpha");
  bravoChat = await insertChat(app.deps.db, bravo, "79002220002@c.us", "Boris Bravo");
  await app.deps.users.create({ username: "root", displayName: "Root", password: PASSWORD, isAdmin: true });
  browser = await launchChromium();
  admin = await openWatched(browser, app.url, "perm-admin", DESKTOP);
  manager = await openWatched(browser, app.url, "perm-manager", DESKTOP);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
}, 20_000);

const managerId = async () =>
  (await app.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "mgr")))[0]!.id;

describe("permissions in the browser", () => {
  test("admin creates a manager restricted to Alpha; the manager sees only Alpha's chats and numbers", async () => {
    await signIn(admin.page, "root", PASSWORD);
    await admin.page.goto("/users/new");
    await admin.page.locator("input[name=username]").fill("mgr");
    await admin.page.locator("input[name=displayName]").fill("Mia Manager");
    await admin.page.locator("input[name=password]").fill(PASSWORD);
    await admin.page.locator(`input[name=instanceIds][value="${alpha}"]`).check();
    await Promise.all([
      admin.page.waitForURL((u) => u.pathname === "/users"),
      admin.page.locator("form button[type=submit].primary").click(),
    ]);
    await admin.page.locator("#users-list").getByText("Mia Manager").waitFor();

    await signIn(manager.page, "mgr", PASSWORD);
    // The admin's open users page learns of the sign-in by itself.
    await admin.page
      .locator("#users-list li", { hasText: "@mgr" })
      .getByText("1 active session")
      .waitFor({ timeout: 5000 });
    await manager.page.goto("/chats");
    await manager.page.getByText("Anna Alpha").first().waitFor();
    expect(await manager.page.getByText("Boris Bravo").count()).toBe(0);
    await manager.page.goto("/instances");
    await manager.page.getByText("Alpha Sales").first().waitFor();
    expect(await manager.page.getByText("Bravo Support").count()).toBe(0);
    expect((await manager.page.request.get(`/instances/${bravo}/chats/${bravoChat}`)).status()).toBe(404);
    await manager.shot("only-alpha");
  }, 60_000);

  test("revoking Alpha: the open chat stops receiving Alpha's events and the next request is refused, still signed in", async () => {
    const page = manager.page;
    await page.goto(`/instances/${alpha}/chats/${alphaChat}`);
    await page.locator(".messages").waitFor();
    // Live while allowed.
    await incoming(app.deps, { instanceId: alpha, chatId: alphaChat, text: "first live message" });
    await page.locator(".messages").getByText("first live message").waitFor({ timeout: 5000 });

    await admin.page.goto(`/users/${await managerId()}/edit`);
    await admin.page.locator(`input[name=instanceIds][value="${alpha}"]`).uncheck();
    await Promise.all([
      admin.page.waitForURL((u) => u.pathname === "/users"),
      admin.page.locator("form button[type=submit].primary").click(),
    ]);

    // The manager's page reloads by itself into a refusal (no sign-in page in between).
    await page.waitForFunction(() => !document.querySelector(".messages"), undefined, { timeout: 8000 });
    expect(new URL(page.url()).pathname).toBe(`/instances/${alpha}/chats/${alphaChat}`);
    expect(await page.locator("input[name=password]").count()).toBe(0);
    // The reloaded chat page itself answers 404: expected here.
    manager.forgive(new RegExp(`HTTP 404 GET /instances/${alpha}/`));
    manager.forgive(/Failed to load resource: the server responded with a status of 404/);
    await incoming(app.deps, { instanceId: alpha, chatId: alphaChat, text: "secret after revoke" });
    const refused = await page.request.get(`/instances/${alpha}/chats/${alphaChat}`);
    expect(refused.status()).toBe(404);
    expect(await refused.text()).not.toContain("secret after revoke");
    expect(await page.getByText("secret after revoke").count()).toBe(0);
    // Still signed in: the account pages work.
    expect((await page.request.get("/settings", { maxRedirects: 0 })).status()).toBe(200);
    const chats = await page.request.get("/chats");
    expect(await chats.text()).not.toContain("Anna Alpha");
    await manager.shot("revoked");
  }, 60_000);

  test('"log out on all devices" ends the sessions in two browsers at once', async () => {
    const second = await openWatched(browser, app.url, "perm-manager-2", DESKTOP);
    try {
      await signIn(second.page, "mgr", PASSWORD);
      await manager.page.goto("/settings");
      await second.page.goto("/settings");
      await admin.page.goto("/users");
      admin.page.once("dialog", (d) => void d.accept());
      const row = admin.page.locator("#users-list li", { hasText: "@mgr" });
      await row.getByText("2 active sessions").waitFor({ timeout: 5000 });
      await row.locator("button", { hasText: "Log out on all devices" }).click();
      await Promise.all([
        manager.page.waitForURL((u) => u.pathname === "/login", { timeout: 8000 }),
        second.page.waitForURL((u) => u.pathname === "/login", { timeout: 8000 }),
      ]);
      expect((await manager.page.request.get("/settings", { maxRedirects: 0 })).status()).toBe(303);
      expect((await second.page.request.get("/settings", { maxRedirects: 0 })).status()).toBe(303);
      await admin.page
        .locator("#users-list li", { hasText: "@mgr" })
        .getByText("0 active sessions")
        .waitFor({ timeout: 5000 });
      expect(second.problems).toEqual([]);
    } finally {
      await second.context.close();
    }
    expect(admin.problems).toEqual([]);
    expect(manager.problems).toEqual([]);
  }, 60_000);
});
