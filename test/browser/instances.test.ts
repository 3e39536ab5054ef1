// Browser end-to-end: connect a number by QR against the fake Green-API, on a desktop and a phone, without reloads.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const PASSWORD = "correct-horse-battery";

let app: TestApp;
let fake: FakeGreenApi;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  fake = startFakeGreenApi({
    webhookDelivery: false,
    timings: { startingMs: 40, qrRotateMs: 20_000, maxReceiveWaitMs: 300 },
  });
  app = await startTestApp({ POLL_TIMEOUT_SECONDS: "5" });
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: PASSWORD, isAdmin: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  app?.deps.qr.stopAll();
  await app?.deps.poller.stopAll();
  await app?.stop();
  await fake?.stop();
}, 20_000);

const viewports = [
  { name: "instances-desktop", id: 7103999001, options: { viewport: { width: 1280, height: 800 } } },
  {
    name: "instances-phone",
    id: 7103999002,
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  },
] as const;

for (const vp of viewports) {
  describe(`${vp.name} ${vp.options.viewport.width}×${vp.options.viewport.height}`, () => {
    const token = `${"c0ffee".repeat(8)}${String(vp.id).slice(-2)}`;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];
    const shot = (step: string) => page.screenshot({ path: `${ARTIFACTS}${vp.name}-${step}.png`, fullPage: true });

    beforeAll(async () => {
      fake.control.createInstance({
        idInstance: vp.id,
        apiTokenInstance: token,
        state: "notAuthorized",
        phone: `7900${String(vp.id).slice(-7)}`,
      });
      context = await browser.newContext({ baseURL: app.url, locale: "en-US", ...vp.options });
      await context.exposeBinding("__csp", (_s, text: string) => void problems.push(`CSP: ${text}`));
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          const el = e.target as Element;
          (window as unknown as { __csp(t: string): void }).__csp(
            `${e.violatedDirective} ${e.sourceFile}:${e.lineNumber} on <${el?.tagName} ${el?.id ?? ""} ${el?.className ?? ""}> at ${location.pathname}`,
          );
        });
      });
      page = await context.newPage();
      page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on(
        "response",
        (r) =>
          void (
            r.url().startsWith(app.url) &&
            r.status() >= 400 &&
            problems.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`)
          ),
      );
      await page.goto("/login");
      await page.getByLabel("Username").fill("anna");
      await page.getByLabel("Password").fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/"),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
    }, 30_000);
    afterAll(() => context?.close());

    test("the numbers page leads to the connect form", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Numbers" }).click();
      await page.waitForURL((u) => u.pathname === "/instances");
      await page.getByRole("link", { name: "Connect a number" }).first().click();
      await page.waitForURL((u) => u.pathname === "/instances/new");
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect a WhatsApp number");
      // No PUBLIC_URL: polling, with the reason.
      expect(await page.getByText("Webhooks need PUBLIC_URL").isVisible()).toBe(true);
      expect(await page.getByLabel(/Webhook: Green-API/).isDisabled()).toBe(true);
      await shot("01-form");
    });

    test("a wrong token shows a clear error at the form", async () => {
      await page.getByLabel("Name", { exact: true }).fill(`Sales ${vp.name.slice(10)}`);
      await page.getByLabel("idInstance").fill(String(vp.id));
      await page.getByLabel("apiTokenInstance").fill("9".repeat(50));
      await page.locator("summary", { hasText: "Green-API hosts" }).click();
      await page.getByLabel("API URL").fill(fake.url);
      await page.getByLabel("Media URL").fill(fake.mediaUrl);
      await page.getByRole("button", { name: "Check and connect" }).click();
      await page.locator("#form-problem").waitFor();
      expect(await page.locator("#form-problem").textContent()).toContain("Green-API refused the id or token");
      expect(await page.getByLabel("idInstance").inputValue()).toBe(String(vp.id));
      await shot("02-wrong-token");
    });

    test("the right token connects: the QR code shows, and scanning it says connected without a reload", async () => {
      await page.getByLabel("apiTokenInstance").fill(token);
      await page.getByRole("button", { name: "Check and connect" }).click();
      await page.waitForURL((u) => /^\/instances\/\d+$/.test(u.pathname));
      const qr = page.locator("img.qr");
      await qr.waitFor({ timeout: 10_000 });
      expect(await qr.getAttribute("src")).toStartWith("data:image/png;base64,");
      expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      expect(await page.content()).not.toContain(token);
      await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
      await shot("03-qr");
      fake.control.scanQr(vp.id);
      const connected = page.getByText(/^Connected as \+7900/);
      await connected.waitFor({ timeout: 5000 });
      expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
      expect(await page.locator(".badge-authorized").first().isVisible()).toBe(true);
      await page.getByRole("heading", { name: "Or link with a phone number" }).waitFor({ state: "detached" });
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(scroll).toBeLessThanOrEqual(client);
      await shot("04-connected");
    }, 20_000);

    test("the card on the numbers page shows the number and its state", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Numbers" }).click();
      await page.waitForURL((u) => u.pathname === "/instances");
      const card = page.locator(".instance-card", { hasText: `Sales ${vp.name.slice(10)}` });
      expect(await card.locator(".badge-authorized").isVisible()).toBe(true);
      expect(await card.textContent()).toContain(`+7900${String(vp.id).slice(-7)}`);
      await shot("05-list");
    });

    test("no console errors, failed requests or rate-limit violations", () => {
      expect(problems).toEqual([]);
      expect(fake.control.violations()).toBe(0);
    });
  });
}
