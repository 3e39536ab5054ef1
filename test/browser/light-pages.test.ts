// Browser: a reload revalidates the page (304) and takes styles and scripts from the cache, and every page load still
// gets fresh idempotency keys for its send forms (made in the browser, so a page shown again never reuses a sent key).
import { PAGE_SCRIPTS, PAGE_STYLES } from "../../src/lib/assets.ts";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { messages } from "../../src/db/schema/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { ARTIFACTS, PHONE, launchChromium, openWatched, signIn, type Watched } from "./watch.ts";

const PASSWORD = "correct-horse-battery";
const KEY = /^[0-9a-f]{32}$/;

let app: TestApp;
let browser: Browser;
let w: Watched;
let page: Page;
let chatPath: string;
/** This page's requests as DevTools sees them: the status on the wire (a revalidation is a 304), or served from cache. */
let seen = new Map<string, { path: string; wire?: number; cache: boolean }>();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  app = await startTestApp();
  const instanceId = await insertInstance(app.deps.db, "Sales");
  const chatId = await insertChat(app.deps.db, instanceId, "79005550123@c.us", "Cached Carl");
  await app.deps.db.insert(messages).values({
    instanceId,
    chatId,
    idMessage: "LIGHT1",
    direction: "in",
    via: "whatsapp",
    type: "textMessage",
    text: "Hello",
    sentAt: new Date(),
  });
  chatPath = `/instances/${instanceId}/chats/${chatId}`;
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: PASSWORD, isAdmin: true });
  browser = await launchChromium();
  w = await openWatched(browser, app.url, "light-pages", PHONE);
  page = w.page;
  const cdp = await w.context.newCDPSession(page);
  cdp.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    if (url.origin === app.url) seen.set(e.requestId, { path: url.pathname, cache: false });
  });
  cdp.on(
    "Network.requestServedFromCache",
    (e) => void (seen.get(e.requestId) && (seen.get(e.requestId)!.cache = true)),
  );
  cdp.on(
    "Network.responseReceived",
    (e) => void (seen.get(e.requestId) && e.response.fromDiskCache && (seen.get(e.requestId)!.cache = true)),
  );
  cdp.on(
    "Network.responseReceivedExtraInfo",
    (e) => void (seen.get(e.requestId) && (seen.get(e.requestId)!.wire = e.statusCode)),
  );
  await cdp.send("Network.enable");
  await signIn(page, "anna", PASSWORD);
}, 60_000);

afterAll(async () => {
  await w?.context.close();
  await browser?.close();
  await app?.stop();
}, 20_000);

async function keys(selector: string): Promise<string[]> {
  await page.locator(selector).first().waitFor({ state: "attached" });
  await page.waitForFunction(
    (s) => Array.from(document.querySelectorAll<HTMLInputElement>(s)).every((i) => i.value !== ""),
    selector,
  );
  return page.locator(selector).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
}

test("a reload of /chats is a 304 with styles and scripts from the cache, and the new-chat form has a new key", async () => {
  await page.goto("/chats");
  const [first] = await keys(".new-chat-form [data-send-key]");
  expect(first).toMatch(KEY);
  seen = new Map();
  await page.reload();
  const [second] = await keys(".new-chat-form [data-send-key]");
  expect(second).toMatch(KEY);
  expect(second).not.toBe(first);
  const requests = [...seen.values()];
  expect(requests.find((r) => r.path === "/chats")?.wire).toBe(304);
  const assets = requests.filter((r) => /^\/public\/.+\.(css|js)$/.test(r.path));
  expect(assets).toHaveLength(PAGE_STYLES.length + PAGE_SCRIPTS.length);
  expect(assets.filter((r) => !r.cache || r.wire !== undefined)).toEqual([]);
});

test("a conversation opened in the list and reloaded gets keys each time for its message and file forms", async () => {
  await page.locator(".chat-row a").first().click();
  const opened = await keys("#composer [data-send-key], #attach [data-send-key]");
  expect(opened).toHaveLength(2);
  for (const key of opened) expect(key).toMatch(KEY);
  expect(new URL(page.url()).pathname).toBe(chatPath);
  await page.locator("#team-bar[data-status]").waitFor({ state: "attached" });
  await page.reload();
  // The reload cuts the requests the page still had going (its presence ping): the test's doing, not the app's.
  w.forgive(/^request failed: \S+ net::ERR_ABORTED$/);
  const reloaded = await keys("#composer [data-send-key], #attach [data-send-key]");
  expect(reloaded).toHaveLength(2);
  for (const key of reloaded) expect(opened).not.toContain(key);
});

test("no console errors, page errors, CSP violations or failed requests", () => {
  expect(w.problems).toEqual([]);
});
