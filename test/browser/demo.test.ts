// `npm run demo` in a real browser: within 60 s the printed admin is signed in and watches demo chats update live.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { cleanEnv, freePort, ROOT, tempDir } from "../process/support.ts";
import { ARTIFACTS, DESKTOP, launchChromium, openWatched, signIn, within, type Watched } from "./watch.ts";

let demo: ReturnType<typeof Bun.spawn>;
let out = "";
let browser: Browser;
let w: Watched;
const started = Date.now();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = Bun.spawn(["npm", "run", "--silent", "demo"], {
    cwd: ROOT,
    env: cleanEnv({ PORT: String(freePort()), HOST: "127.0.0.1", DATA_DIR: join(tempDir(), "data-demo") }),
    stdout: "pipe",
    stderr: "pipe",
  });
  for (const stream of [demo.stdout, demo.stderr] as unknown as AsyncIterable<Uint8Array>[]) {
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
    })();
  }
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  demo?.kill("SIGTERM");
  await demo?.exited;
}, 20_000);

test("the printed admin signs in and sees demo chats arrive and update without reloading", async () => {
  await within(
    60_000,
    async () => /Open:\s+\S+\n\s+Sign in:\s+demo \/ \S+/.test(out),
    `the demo's banner; output so far:\n${out}`,
  );
  const [, url, password] = /Open:\s+(\S+)\n\s+Sign in:\s+demo \/ (\S+)/.exec(out)!;
  w = await openWatched(browser, url!, "demo", DESKTOP);
  await signIn(w.page, "demo", password!);
  await Promise.all([w.page.waitForResponse((r) => new URL(r.url()).pathname === "/events"), w.page.goto("/chats")]);
  const rows = w.page.locator("li.chat-row");
  await within(60_000 - (Date.now() - started), async () => (await rows.count()) >= 2, "two demo chats in the list");
  // Customers keep writing: the top row's preview changes while the page stays the same page.
  await w.page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText() (the rendered text), no DOM property
  const before = await rows.first().innerText();
  // biome-ignore lint/performance/useDomNodeTextContent: as above
  await within(30_000, async () => (await rows.first().innerText()) !== before, "a live change of the newest chat row");
  expect(await w.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
  await w.shot("01-live");
  expect(w.problems).toEqual([]);
}, 120_000);
