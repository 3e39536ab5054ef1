// Browser-test helpers: Chromium launch flags, the inbox on the fake Green-API with Chromium, and a page that records
// console errors, page errors, CSP violations and failed requests.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { startFakeInbox, type FakeInbox, type FakeInboxSetUp } from "../support/fake-inbox.ts";
import { waitFor } from "../support/wait.ts";

export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

/** `extraArgs`: more Chromium flags (e.g. the fake microphone of test/browser/voice.test.ts). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", ...extraArgs],
  });
}

export interface BrowserInbox extends FakeInbox {
  browser: Browser;
}

/** The inbox on the fake Green-API (test/support/fake-inbox.ts) and Chromium, ARTIFACTS ready; stop() ends them all. */
export async function startBrowserInbox(setUp: FakeInboxSetUp & { chromiumArgs?: string[] }): Promise<BrowserInbox> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const inbox = await startFakeInbox(setUp);
  const browser = await launchChromium(setUp.chromiumArgs);
  return {
    ...inbox,
    browser,
    async stop() {
      await browser.close();
      await inbox.stop();
    },
  };
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  readonly problems: string[];
  /** Problems the test provoked on purpose are removed with this. */
  forgive(pattern: RegExp): void;
  shot(step: string): Promise<void>;
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
} satisfies BrowserContextOptions;
export const DESKTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;

export async function openWatched(
  browser: Browser,
  baseURL: string,
  name: string,
  options: BrowserContextOptions,
): Promise<Watched> {
  // Service workers only where a test asks for them (test/browser/pwa.test.ts): elsewhere the page's own requests are
  // what is watched, as a first visit makes them.
  const context = await browser.newContext({
    baseURL,
    locale: "en-US",
    timezoneId: "Europe/Berlin",
    serviceWorkers: "block",
    ...options,
  });
  let problems: string[] = [];
  // CSP violations are reported from inside the page through a binding, so none can go unnoticed.
  await context.exposeBinding("__reportCspViolation", (_source, text: string) => {
    problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("response", (res) => {
    if (res.url().startsWith(baseURL) && res.status() >= 400)
      problems.push(`HTTP ${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
  });
  page.on("requestfailed", (req) => {
    // The live stream, the favicon, the chat list's tab counts (refreshed on live events, so possibly still loading) and
    // a bubble's media (an audio or video reading its length, whose bubble a live update replaced) are aborted when the
    // page navigates away or swaps that part out: that is not an error.
    const path = new URL(req.url()).pathname;
    const swappedOut =
      path === "/public/icon.svg" || path === "/chats/tabs" || /^\/instances\/\d+\/media\/\d+$/.test(path);
    const abandoned = path === "/events" || (swappedOut && req.failure()?.errorText === "net::ERR_ABORTED");
    if (!abandoned) problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  return {
    context,
    page,
    get problems() {
      return problems;
    },
    forgive(pattern) {
      problems = problems.filter((p) => !pattern.test(p));
    },
    async shot(step) {
      await page.screenshot({ path: `${ARTIFACTS}${name}-${step}.png` });
    },
  };
}

/** Fails when the page scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Signs in through the login form and waits for the first page (the inbox). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.locator("form button[type=submit]").click()]);
}

/** Waits until `check` is true, polling every 25 ms; returns how long it took (pages' latency checks use it). */
export async function within(ms: number, check: () => Promise<boolean>, what: string): Promise<number> {
  const start = Date.now();
  await waitFor(check, { timeout: ms, interval: 25, message: what });
  return Date.now() - start;
}
