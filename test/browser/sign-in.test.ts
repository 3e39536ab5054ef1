// Browser end-to-end: sign in to the inbox, the overview, navigation, settings and log out in Chromium, on a desktop and a phone, plus the Russian login page.
import { PAGE_SCRIPTS } from "../../src/lib/assets.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { ARTIFACTS, launchChromium, openWatched as watchPage, type Watched } from "./watch.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { waitFor } from "../support/wait.ts";

const PASSWORD = "correct-horse-battery";

let app: TestApp;
/** Subscribers of the app's own services (presence); live streams come on top. */
let services = 0;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  app = await startTestApp();
  services = app.deps.bus.size;
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: PASSWORD, isAdmin: true });
  await app.deps.users.create({ username: "boris", displayName: "Boris", password: PASSWORD, isAdmin: true });
  browser = await launchChromium();
}, 60_000); // the embedded database's first start and Chromium's launch take a few seconds

afterAll(async () => {
  await browser?.close();
  await app?.stop();
}, 20_000);

/** A watched page (console errors, page errors, CSP violations, failed requests) on this app. */
const openWatched = (name: string, options: BrowserContextOptions): Promise<Watched> =>
  watchPage(browser, app.url, name, options);

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

const viewports = [
  { name: "desktop", user: "anna", displayName: "Anna", options: { viewport: { width: 1280, height: 800 } } },
  {
    name: "phone",
    user: "boris",
    displayName: "Boris",
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  },
] as const;

for (const vp of viewports) {
  describe(`${vp.name} ${vp.options.viewport.width}×${vp.options.viewport.height}`, () => {
    let w: Watched;

    beforeAll(async () => {
      w = await openWatched(vp.name, { ...vp.options, locale: "en-US" });
    }, 20_000);
    afterAll(async () => {
      await w?.context.close();
    });

    test("an anonymous visit to / lands on the login page", async () => {
      const res = await w.page.goto("/");
      expect(res?.status()).toBe(200);
      expect(res?.request().redirectedFrom()?.url()).toBe(`${app.url}/`);
      expect(new URL(w.page.url()).pathname).toBe("/login");
      await expect(w.page.title()).resolves.toBe("Sign in · GreenInbox");
      expect(await w.page.locator("h1").textContent()).toBe("GreenInbox");
      expect(await w.page.getByLabel("Username").isVisible()).toBe(true);
      expect(await w.page.getByLabel("Password").isVisible()).toBe(true);
      // No navigation for anonymous visitors.
      expect(await w.page.locator("nav").count()).toBe(0);
      await noHorizontalScroll(w.page);
      await w.shot("01-login");
    });

    test("htmx and its SSE extension load from /public/vendor", async () => {
      const scripts = await w.page
        .locator("script[src]")
        .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).getAttribute("src")!.split("?")[0]));
      expect(scripts.slice(0, 2)).toEqual(["/public/vendor/htmx.min.js", "/public/vendor/htmx-ext-sse.js"]);
      expect(scripts).toEqual(PAGE_SCRIPTS.map((name) => `/public/${name}`));
      const version = await w.page.evaluate(() => (window as unknown as { htmx?: { version: string } }).htmx?.version);
      expect(version).toMatch(/^2\.0\./);
    });

    test("a wrong password shows the error and keeps the username", async () => {
      await w.page.getByLabel("Username").fill(vp.user);
      await w.page.getByLabel("Password").fill("not-the-password");
      const [res] = await Promise.all([
        w.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
        w.page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      expect(res.status()).toBe(401);
      await w.page.waitForLoadState("load");
      const alert = w.page.getByRole("alert");
      expect(await alert.textContent()).toBe("Wrong username or password.");
      expect(await alert.isVisible()).toBe(true);
      expect(await w.page.getByLabel("Username").inputValue()).toBe(vp.user);
      expect(await w.page.getByLabel("Password").inputValue()).toBe("");
      await w.shot("02-wrong-password");
      // The 401 is the expected answer; Chromium logs every 4xx document as a console error.
      w.forgive(
        /^HTTP 401 POST \/login$|^console error: Failed to load resource: the server responded with a status of 401/,
      );
    });

    test("signing in lands in the inbox; without numbers it offers to connect one", async () => {
      await w.page.getByLabel("Password").fill(PASSWORD);
      await Promise.all([
        w.page.waitForURL((u) => u.pathname === "/"),
        w.page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      await w.page.waitForLoadState("load");
      await expect(w.page.title()).resolves.toBe("Chats · GreenInbox");
      expect(await w.page.getByRole("heading", { level: 1 }).textContent()).toBe("Chats");
      const none = w.page.locator("#chat-results .empty");
      expect(await none.locator(".empty-title").textContent()).toBe("No WhatsApp numbers yet");
      expect(await none.getByRole("link", { name: "Connect a number" }).isVisible()).toBe(true);
      expect(await w.page.locator(".nav-link.active").textContent()).toBe("Chats");
      await noHorizontalScroll(w.page);
      await w.shot("03-inbox-no-numbers");
    });

    test("the overview shows the greeting, the totals and the same empty state", async () => {
      await Promise.all([
        w.page.waitForURL((u) => u.pathname === "/overview"),
        w.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click(),
      ]);
      await expect(w.page.title()).resolves.toBe("Overview · GreenInbox");
      expect(await w.page.getByRole("heading", { level: 1 }).textContent()).toBe(`Hello, ${vp.displayName}`);
      expect(await w.page.getByRole("heading", { name: "WhatsApp numbers" }).isVisible()).toBe(true);
      const empty = w.page.locator(".empty");
      expect(await empty.isVisible()).toBe(true);
      expect(await empty.locator(".empty-title").textContent()).toBe("No WhatsApp numbers yet");
      expect(await empty.textContent()).toContain("Connect one with its Green-API instance id and token.");
      expect(await empty.getByRole("link", { name: "Connect a number" }).isVisible()).toBe(true);
      const stats = await w.page.locator(".stats li").allTextContents();
      expect(stats).toEqual(["0numbers", "0chats", "0chats with unread messages", "0messages today"]);
      await noHorizontalScroll(w.page);
      await w.shot("03-dashboard");
    });

    test("the live-update stream connects under the CSP", async () => {
      // hx-ext="sse" opens /events once htmx has processed the body; re-open it to observe it deterministically.
      const [res] = await Promise.all([
        w.page.waitForResponse((r) => new URL(r.url()).pathname === "/events"),
        w.page.reload(),
      ]);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("text/event-stream");
    });

    test("the navigation shows every section an admin may open", async () => {
      const nav = w.page.getByRole("navigation", { name: "Main" });
      expect(await nav.isVisible()).toBe(true);
      const links = nav.getByRole("link");
      expect(await links.allTextContents()).toEqual(["Chats", "Overview", "Numbers", "Users", "Settings"]);
      for (const link of await links.all()) {
        expect(await link.isVisible()).toBe(true);
        const box = (await link.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
      }
      const logout = w.page.getByRole("button", { name: "Log out", exact: true });
      expect(await logout.isVisible()).toBe(true);
      const navBox = (await nav.boundingBox())!;
      const viewport = w.page.viewportSize()!;
      if (vp.name === "phone") {
        // A bottom tab bar across the full width, fixed at the bottom edge.
        expect(Math.round(navBox.y + navBox.height)).toBe(viewport.height);
        expect(Math.round(navBox.width)).toBe(viewport.width);
        expect(await nav.evaluate((el) => getComputedStyle(el).position)).toBe("fixed");
      } else {
        // Inline in the top bar.
        expect(navBox.y).toBeLessThan(60);
        expect(navBox.y + navBox.height).toBeLessThanOrEqual(60);
      }
    });

    if (vp.name === "phone") {
      test("at 360 px and in the dark theme nothing overflows and the tab bar stays at the bottom", async () => {
        await w.page.setViewportSize({ width: 360, height: 740 });
        await w.page.emulateMedia({ colorScheme: "dark" });
        try {
          await noHorizontalScroll(w.page);
          const nav = (await w.page.getByRole("navigation", { name: "Main" }).boundingBox())!;
          expect(Math.round(nav.y + nav.height)).toBe(740);
          // Body text stays readable: at least 15 px, and the heading is not clipped.
          expect(
            await w.page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize)),
          ).toBeGreaterThanOrEqual(15);
          const h1 = (await w.page.getByRole("heading", { level: 1 }).boundingBox())!;
          expect(h1.x + h1.width).toBeLessThanOrEqual(360);
          const colors = await w.page.evaluate(() => [
            getComputedStyle(document.body).backgroundColor,
            getComputedStyle(document.body).color,
          ]);
          expect(colors).toEqual(["rgb(11, 20, 26)", "rgb(233, 237, 239)"]);
          await w.shot("03-dashboard-360-dark");
        } finally {
          await w.page.emulateMedia({ colorScheme: "light" });
          await w.page.setViewportSize(vp.options.viewport);
        }
      });
    }

    test("Settings opens through hx-boost without a full page load", async () => {
      await w.page.evaluate(() => {
        (window as unknown as { __samePage: boolean }).__samePage = true;
      });
      const [req] = await Promise.all([
        w.page.waitForRequest((r) => new URL(r.url()).pathname === "/settings"),
        w.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click(),
      ]);
      expect(req.headers()["hx-request"]).toBe("true");
      expect(req.headers()["hx-boosted"]).toBe("true");
      await w.page.waitForURL((u) => u.pathname === "/settings");
      await w.page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
      expect(await w.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
      await expect(w.page.title()).resolves.toBe("Settings · GreenInbox");
      const current = w.page.locator('nav a[aria-current="page"]');
      expect(await current.textContent()).toBe("Settings");
      expect(await w.page.getByRole("combobox", { name: "Language" }).isVisible()).toBe(true);
      await noHorizontalScroll(w.page);
      await w.shot("04-settings");
    });

    test("logging out returns to the login page with the logged-out message", async () => {
      await Promise.all([
        w.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/logout"),
        w.page.getByRole("button", { name: "Log out", exact: true }).click(),
      ]);
      await w.page.waitForURL((u) => u.pathname === "/login");
      const status = w.page.locator(".flash-ok");
      await status.waitFor();
      expect(await status.textContent()).toBe("You have logged out.");
      expect(await w.page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
      expect(await w.page.locator("nav").count()).toBe(0);
      await w.shot("05-logged-out");
    });

    test("logging out closes the live-update stream", async () => {
      expect(await w.page.evaluate(() => document.body.hasAttribute("sse-connect"))).toBe(false);
      await waitFor(() => app.deps.bus.size <= services, 2000);
      expect(app.deps.bus.size).toBe(services);
    });

    test("after logging out the session is gone on the server", async () => {
      await w.page.goto("/settings");
      expect(new URL(w.page.url()).pathname).toBe("/login");
      expect(w.page.url()).toContain("next=%2Fsettings");
      expect(await w.page.locator(".flash-ok").count()).toBe(0);
      expect(await w.page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    });

    test("no console errors, page errors, CSP violations or failed requests", async () => {
      // Give a lingering live-update connection a moment to misbehave after logout.
      await w.page.waitForTimeout(500);
      expect(w.problems).toEqual([]);
    });
  });
}

describe("content security policy", () => {
  test("an injected inline script is blocked and reported", async () => {
    const w = await openWatched("csp", { viewport: { width: 1280, height: 800 } });
    try {
      await w.page.goto("/login");
      const ran = await w.page.evaluate(async () => {
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.body.append(script);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
      });
      expect(ran).toBe(false);
      expect(w.problems.some((p) => p.startsWith("CSP violation: script-src"))).toBe(true);
    } finally {
      await w.context.close();
    }
  });
});

describe("Russian locale", () => {
  test("the login page and its errors are in Russian", async () => {
    const w = await openWatched("ru", {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: "ru-RU",
    });
    try {
      await w.page.goto("/");
      expect(new URL(w.page.url()).pathname).toBe("/login");
      expect(await w.page.locator("html").getAttribute("lang")).toBe("ru");
      await expect(w.page.title()).resolves.toBe("Вход · GreenInbox");
      expect(await w.page.locator(".auth-card .muted").first().textContent()).toBe("WhatsApp-почта вашей команды");
      expect(await w.page.getByLabel("Имя пользователя").isVisible()).toBe(true);
      expect(await w.page.getByLabel("Пароль").isVisible()).toBe(true);
      await w.shot("01-login");
      await w.page.getByLabel("Имя пользователя").fill("nobody");
      await w.page.getByLabel("Пароль").fill("wrong-password");
      await Promise.all([w.page.waitForLoadState("load"), w.page.getByRole("button", { name: "Войти" }).click()]);
      await w.page.getByRole("alert").waitFor();
      expect(await w.page.getByRole("alert").textContent()).toBe("Неверное имя пользователя или пароль.");
      await w.shot("02-wrong-password");
      w.forgive(
        /^HTTP 401 POST \/login$|^console error: Failed to load resource: the server responded with a status of 401/,
      );
      expect(w.problems).toEqual([]);
    } finally {
      await w.context.close();
    }
  });
});

describe("sessions ended elsewhere", () => {
  test("a tab whose session is ended from another device goes to the login page by itself", async () => {
    const phone = await openWatched("elsewhere-phone", {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const laptop = await openWatched("elsewhere-laptop", { viewport: { width: 1280, height: 800 } });
    try {
      for (const w of [phone, laptop]) {
        await w.page.goto("/login");
        await w.page.getByLabel("Username").fill("boris");
        await w.page.getByLabel("Password").fill(PASSWORD);
        await w.page.getByRole("button", { name: "Sign in" }).click();
        await w.page.waitForURL((url) => url.pathname === "/");
      }
      // The phone's live stream must be connected before the laptop ends its session.
      await phone.page.waitForFunction(() => document.body.hasAttribute("sse-connect"));
      await phone.page.waitForTimeout(300);
      await laptop.page.goto("/settings");
      laptop.page.once("dialog", (d) => void d.accept());
      await laptop.page.getByRole("button", { name: "Log out on all other devices" }).click();
      await laptop.page.getByText("1 other session ended.").waitFor();
      await phone.page.waitForURL((url) => url.pathname === "/login", { timeout: 5000 });
      await phone.shot("01-sent-to-login");
      expect(await phone.page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
      expect(new URL(laptop.page.url()).pathname).toBe("/settings");
      expect(laptop.problems).toEqual([]);
    } finally {
      await phone.context.close();
      await laptop.context.close();
    }
  });
});
