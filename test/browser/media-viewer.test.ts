// Browser test of the media viewer: a customer sends two photos and a video through the fake Green-API (polling, files
// fetched by the app); a tap on the first photo opens it full screen from the app's own media route, a swipe (real touch
// events on a phone, Russian) or the arrow keys and buttons (desktop, English) go through the chat's media, Esc or the
// close button shut it, and the download button saves the file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { picturePng } from "../../scripts/demo/media.ts";
import { chats, messages } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import type { TestApp } from "../support/app.ts";
import {
  DESKTOP,
  PHONE,
  openWatched,
  signIn,
  within,
  startBrowserInbox,
  type BrowserInbox,
  type Watched,
} from "./watch.ts";

const ID = 7103888401;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef08";
const PASSWORD = "correct-horse-battery";
const CUSTOMER = "79005550404@c.us";

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let chatPath = "";
/** The bubbles' links, oldest first: photo 480×320, photo 200×300, video. */
let hrefs: string[] = [];

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001122@c.us" },
    settings: { incomingWebhook: "yes" },
    env: { POLL_TIMEOUT_SECONDS: "5" },
    users: [
      ["anna", "anna"],
      ["boris", "boris"],
    ],
    password: PASSWORD,
  });
  ({ fake, app, browser } = inbox);
  const { db } = app.deps;
  const row = inbox.instance;
  app.deps.poller.start(row);
  await app.deps.media.start();
  // Files are announced on the fake's own host, as the demo does (on Green-API's storage hosts the app would look them
  // up on the internet).
  const file = { chatId: CUSTOMER, senderName: "Мира", fileUrl: "served" as const, mimeType: "image/png" };
  fake.control.injectIncoming(ID, {
    type: "imageMessage",
    fileName: "sunset.png",
    caption: "first photo",
    base64: picturePng(30).toString("base64"),
    ...file,
  });
  fake.control.injectIncoming(ID, {
    type: "imageMessage",
    fileName: "hills.png",
    caption: "second photo",
    base64: picturePng(200, 200, 300).toString("base64"),
    ...file,
  });
  fake.control.injectIncoming(ID, { type: "videoMessage", fileName: "clip.mp4", ...file, mimeType: "video/mp4" });
  const ready = async () => {
    const rows = await db
      .select({ id: messages.id, chatId: messages.chatId, media: messages.media })
      .from(messages)
      .where(and(eq(messages.instanceId, row.id), isNotNull(messages.media)))
      .orderBy(messages.id);
    return rows.length === 3 && rows.every((r) => r.media?.state === "ready") ? rows : null;
  };
  const rows = await within(20_000, async () => (await ready()) !== null, "three media messages downloaded").then(
    async () => (await ready())!,
  );
  const [chat] = await db.select().from(chats).where(eq(chats.id, rows[0]!.chatId));
  chatPath = `/instances/${row.id}/chats/${chat!.id}`;
  hrefs = rows.map((r) => `/instances/${row.id}/media/${r.id}`);
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

const viewer = (page: Page) => page.locator("#media-viewer");
const stage = (page: Page) => page.locator("#media-viewer [data-viewer-stage] > *");
const shown = (page: Page) => stage(page).evaluate((el) => new URL((el as HTMLImageElement).src).pathname);

/** Opens the chat and waits until both photos have loaded from the media route. */
async function openChat(page: Page) {
  await page.goto(chatPath);
  const photos = page.locator(".messages a[data-viewer=image] img");
  await within(
    10_000,
    async () =>
      (await photos.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)) === 2,
    "both photos loaded in their bubbles",
  );
  // Without scripts each is a plain link to the file on the app's own media route.
  const links = await page
    .locator(".messages a[data-viewer]")
    .evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.getAttribute("target")]));
  expect(links).toEqual(hrefs.map((href) => [href, "_blank"]));
}

describe("media viewer on a phone 390×844 in Russian: swipes", () => {
  let w: Watched;
  beforeAll(async () => {
    w = await openWatched(browser, app.url, "viewer-phone", { ...PHONE, locale: "ru-RU" });
    await signIn(w.page, "boris", PASSWORD);
  }, 30_000);
  afterAll(async () => {
    await w?.context.close();
  });

  /** A horizontal swipe across the middle of the screen with real touch events (Chromium's DevTools protocol). */
  async function swipe(fromX: number, toX: number) {
    const cdp = await w.context.newCDPSession(w.page);
    const y = PHONE.viewport.height / 2;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: fromX, y }] });
    for (let i = 1; i <= 6; i++)
      await cdp.send("Input.dispatchTouchEvent", {
        type: "touchMove",
        touchPoints: [{ x: fromX + ((toX - fromX) * i) / 6, y: y + i }],
      });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await cdp.detach();
  }

  test("a tap on the first photo opens it full screen with its caption", async () => {
    await openChat(w.page);
    await w.page.locator(".messages a[data-viewer=image]").first().tap();
    await viewer(w.page).waitFor();
    expect(await shown(w.page)).toBe(hrefs[0]!);
    expect(await w.page.locator("[data-viewer-caption]").textContent()).toBe("first photo");
    expect(await w.page.locator("[data-viewer-count]").textContent()).toBe("1 из 3");
    expect(await w.page.locator("[data-viewer-close]").getAttribute("aria-label")).toBe("Закрыть");
    expect(await w.page.locator(".viewer-prev").isVisible()).toBe(false);
    // Full screen: the dialog covers the viewport.
    expect(await viewer(w.page).boundingBox()).toEqual({ x: 0, y: 0, ...PHONE.viewport });
    expect(new URL(w.page.url()).pathname).toBe(chatPath);
    await w.shot("01-first");
  });

  test("a swipe left shows the second photo, a swipe right the first again", async () => {
    await swipe(320, 60);
    await within(3000, async () => (await shown(w.page)) === hrefs[1], "the second photo after a swipe left");
    expect(await w.page.locator("[data-viewer-caption]").textContent()).toBe("second photo");
    expect(await w.page.locator("[data-viewer-count]").textContent()).toBe("2 из 3");
    await w.shot("02-second");
    // From next to the "previous" button: a swipe, not a tap on it.
    await swipe(60, 320);
    await within(3000, async () => (await shown(w.page)) === hrefs[0], "the first photo after a swipe right");
  });

  test("the video plays in the viewer with its controls; Esc closes the viewer", async () => {
    await swipe(320, 60);
    await swipe(320, 60);
    await within(3000, async () => (await shown(w.page)) === hrefs[2], "the video, third");
    expect(await stage(w.page).evaluate((el) => el.tagName === "VIDEO" && (el as HTMLVideoElement).controls)).toBe(
      true,
    );
    expect(await w.page.locator("[data-viewer-caption]").isVisible()).toBe(false);
    expect(await w.page.locator(".viewer-next").isVisible()).toBe(false);
    await w.page.keyboard.press("Escape");
    await viewer(w.page).waitFor({ state: "hidden" });
    // The dialog's `close` event (which empties the stage) comes in a task after it is hidden.
    await within(3000, async () => (await stage(w.page).count()) === 0, "the video let go");
  });

  test("no console errors, page errors, CSP violations or failed requests", async () => {
    expect(w.problems).toEqual([]);
  });
});

describe("media viewer on a desktop in English: buttons and arrow keys", () => {
  let w: Watched;
  beforeAll(async () => {
    w = await openWatched(browser, app.url, "viewer-desktop", DESKTOP);
    await signIn(w.page, "anna", PASSWORD);
  }, 30_000);
  afterAll(async () => {
    await w?.context.close();
  });

  test("next, the arrow keys, download and close", async () => {
    await openChat(w.page);
    await w.page.locator(".messages a[data-viewer=image]").first().click();
    await viewer(w.page).waitFor();
    expect(await w.page.locator("[data-viewer-count]").textContent()).toBe("1 of 3");
    await w.page.locator(".viewer-next").click();
    expect(await shown(w.page)).toBe(hrefs[1]!);
    await w.page.keyboard.press("ArrowLeft");
    expect(await shown(w.page)).toBe(hrefs[0]!);
    await w.page.keyboard.press("ArrowRight");
    expect(await shown(w.page)).toBe(hrefs[1]!);
    await w.shot("01-second");
    const [download] = await Promise.all([
      w.page.waitForEvent("download"),
      w.page.locator("[data-viewer-download]").click(),
    ]);
    expect(download.suggestedFilename()).toBe("hills.png");
    await w.page.locator("[data-viewer-close]").click();
    await viewer(w.page).waitFor({ state: "hidden" });
    expect(await w.page.locator("#composer textarea").isVisible()).toBe(true);
  });

  test("no console errors, page errors, CSP violations or failed requests", async () => {
    expect(w.problems).toEqual([]);
  });
});
