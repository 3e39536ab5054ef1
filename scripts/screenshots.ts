// `npm run screenshots`: starts the demo, signs in with a real browser and saves the README screenshots under
// docs/screenshots/ (desktop 1280×800 and phone 390×844): chat list, a conversation, numbers, a QR code, users; on the
// phone also the install offer, the notification settings and a conversation in Russian.
// Chromium: /usr/bin/chromium (CHROMIUM_PATH overrides).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, "docs", "screenshots");
const VIEWPORTS: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function startDemo(): Promise<{ url: string; password: string; stop(): Promise<void> }> {
  const port = freePort();
  const proc = Bun.spawn([process.execPath, "scripts/demo/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: join(mkdtempSync(join(tmpdir(), "gi-shots-")), "data"),
    },
    stdout: "pipe",
    stderr: "inherit",
  });
  let out = "";
  void (async () => {
    const decoder = new TextDecoder();
    const reader = proc.stdout.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      out += decoder.decode(r.value, { stream: true });
  })();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const m = /Open:\s+(\S+)\n\s+Sign in:\s+demo \/ (\S+)/.exec(out);
    if (m) {
      const stop = async () => {
        proc.kill("SIGTERM");
        await proc.exited;
      };
      return { url: m[1]!, password: m[2]!, stop };
    }
    if (proc.exitCode !== null) break;
    await Bun.sleep(200);
  }
  proc.kill("SIGTERM");
  throw new Error(`the demo did not start:\n${out}`);
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.goto("/login");
  await page.fill('input[name="username"]', "demo");
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('button[type="submit"]')]);
}

/** Lets fonts, images and live updates settle, then saves the page as it is seen. */
async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("load");
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`  docs/screenshots/${name}.png`);
}

async function capture(
  browser: Browser,
  base: string,
  password: string,
  kind: string,
  conversation: { reply: boolean; phoneExtras?: boolean },
): Promise<void> {
  const context = await browser.newContext({
    baseURL: base,
    locale: "en-US",
    timezoneId: "Europe/London",
    colorScheme: "light",
    ...VIEWPORTS[kind],
  });
  const page = await context.newPage();
  await signIn(page, password);

  await page.goto("/chats");
  await page.waitForSelector(".chat-row");
  await shot(page, `${kind}-chats`);

  // The liveliest conversation: Emma's (photo, voice note, the colleague's replies).
  await page.goto("/chats");
  await page.click('.chat-row .chat-name:text-is("Emma Johnson")');
  await page.waitForSelector("#composer textarea");
  if (conversation.reply) {
    await page.fill("#composer textarea", "Thanks Emma! The courier will call you 30 minutes before arrival.");
    await page.press("#composer textarea", "Enter");
    // Ticks advance: sent, delivered, read.
    await page
      .locator(".msg-out", { hasText: "The courier will call you" })
      .locator(".ticks-read")
      .waitFor({ timeout: 30_000 })
      .catch(() => {});
  }
  await page.waitForTimeout(1500);
  await shot(page, `${kind}-conversation`);

  await page.goto("/instances");
  await shot(page, `${kind}-instances`);

  await page.click('a:has-text("New number (scan the QR)")');
  await page.waitForSelector("img.qr", { timeout: 20_000 });
  await page.locator("img.qr").evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shot(page, `${kind}-qr`);

  await page.goto("/users");
  await shot(page, `${kind}-users`);
  if (conversation.phoneExtras) await capturePhoneExtras(page, kind);
  await context.close();
}

/** The install offer (Chrome's `beforeinstallprompt`, fired by hand: headless Chromium never fires it), the device's
 * notification settings (the push itself is drawn by the phone's system, out of a page's reach), and a conversation
 * in Russian. */
async function capturePhoneExtras(page: Page, kind: string): Promise<void> {
  await page.goto("/chats");
  await page.waitForSelector(".chat-row");
  await page.evaluate(() => {
    const event = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt(): Promise<void> };
    event.prompt = async () => {};
    window.dispatchEvent(event);
  });
  await page.waitForSelector("#install:not([hidden])");
  await shot(page, `${kind}-install`);

  await page.context().grantPermissions(["notifications"]);
  await page.goto("/settings#push");
  await page.waitForSelector("#push [data-push-enable]:not([hidden])");
  await page.locator("#push").evaluate((el) => el.scrollIntoView({ block: "start" }));
  await shot(page, `${kind}-push`);

  await page.goto("/settings");
  await page.selectOption('select[name="locale"]', "ru");
  await Promise.all([
    page.waitForURL("**/settings**"),
    page.click('form:has(select[name="locale"]) button[type="submit"]'),
  ]);
  await page.goto("/chats");
  await page.click('.chat-row .chat-name:text-is("Emma Johnson")');
  await page.waitForSelector("#composer textarea");
  await shot(page, `${kind}-conversation-ru`);
  await page.goto("/settings");
  await page.selectOption('select[name="locale"]', "en");
  await page.click('form:has(select[name="locale"]) button[type="submit"]');
}

mkdirSync(OUT, { recursive: true });
const demo = await startDemo();
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => void demo.stop().then(() => process.exit(1)));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  // Let the customers write for a while so the inbox looks like a working day, not an empty start.
  console.log(`demo at ${demo.url}; letting customers write for 40 s…`);
  await Bun.sleep(40_000);
  await capture(browser, demo.url, demo.password, "desktop", { reply: true });
  await capture(browser, demo.url, demo.password, "phone", { reply: false, phoneExtras: true });
} finally {
  await browser.close();
  await demo.stop();
}
