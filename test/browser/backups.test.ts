// Browser: an administrator opens Backups from the Users page, presses "Back up now" (busy label while it runs), the
// new backup appears in place with a working download link; on a phone too, without CSP problems or sideways scroll.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ARTIFACTS, DESKTOP, horizontalOverflow, launchChromium, openWatched, PHONE } from "./watch.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let app: TestApp;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "gi-browser-backups-"));
  app = await startTestApp({ DATA_DIR: dataDir, BACKUP_MAX_FILES: "3" });
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: "anna-password", isAdmin: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 20_000);

for (const [name, options] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`${name}: back up now, see it listed, download it`, async () => {
    const w = await openWatched(browser, app.url, `backups-${name}`, options);
    const { page } = w;
    await page.goto("/login");
    await page.fill('input[name="username"]', "anna");
    await page.fill('input[name="password"]', "anna-password");
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.pathname === "/");
    await page.goto("/users");
    await page.click('a[href="/backups"]');
    await page.waitForURL((u) => u.pathname === "/backups");
    const before = await page.locator(".backup-list > li").count();
    if (before === 0) expect(await page.locator(".empty-title").textContent()).toBe("No backups yet.");

    const button = page.locator(".backup-now button");
    const box = await button.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    // The busy label shows while the request runs (the answer is held until the label has been seen).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/backups", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      await held;
      await route.continue();
    });
    await button.click();
    await page.locator(".backup-now .busy-label").waitFor({ state: "visible" });
    expect(await page.locator(".backup-now .idle-label").isVisible()).toBe(false);
    expect(await button.isDisabled()).toBe(true);
    await w.shot("busy");
    release();
    await page.locator(".flash-ok", { hasText: "written." }).waitFor();
    expect(await page.locator(".backup-list > li").count()).toBe(before + 1);
    expect(await page.locator(".backup-now .idle-label").isVisible()).toBe(true);
    expect(await page.locator(".backup-now .busy-label").isVisible()).toBe(false);
    await w.shot("done");

    const link = page.locator(".backup-list > li").first().locator("a", { hasText: "Download" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^greeninbox-\d{8}-\d{6}-\d{3}\.(dump|pglite\.tar\.gz)$/);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(w.problems).toEqual([]);
    await w.context.close();
  }, 60_000);
}
