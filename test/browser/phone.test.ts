// Browser, on a phone (390×844, touch): the conversation's header is one row of at most 64 px with the team bar's
// actions behind ⋮, the messages take at least 80 % of the screen, menus open inside the viewport, a long-press opens
// a bubble's menu and a swipe to the right starts a reply, the chat list starts in the top third; in English and Russian.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, CDPSession, Locator, Page } from "playwright-core";
import { chats, messages } from "../../src/db/schema/index.ts";
import type { TestApp } from "../support/app.ts";
import { grant, insertFakeInstance } from "../support/fixtures.ts";
import {
  PHONE,
  horizontalOverflow,
  openWatched,
  signIn,
  startBrowserInbox,
  type BrowserInbox,
  type Watched,
} from "./watch.ts";

const PASSWORD = "correct-horse-battery";
/** The header's one row: back, avatar, name, the number's tag, the state chip and ⋮. */
const ROW = [".back-link", ".chat-head .avatar", "#chat-title", ".number-tag", ".state-chip", ".team-more"];
const WIDE = "Your order 4711 left our warehouse this morning and should reach the pick-up point on Friday afternoon.";

let inbox: BrowserInbox;
let app: TestApp;
let browser: Browser;
let chatUrl = "";
let users: Record<string, number> = {};

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { name: "Sales Moscow", idInstance: 7103888301, apiToken: "p".repeat(50) },
    fake: {},
    users: [
      ["anna", "Anna", "en"],
      ["boris", "Борис", "ru"],
    ],
    password: PASSWORD,
  });
  ({ app, users, browser } = inbox);
  const { db } = app.deps;
  const { instance } = inbox;
  // A second number: the list offers a choice of numbers beside the search.
  const other = await insertFakeInstance(db, inbox.fake, {
    name: "Support",
    idInstance: 7103888302,
    apiToken: "q".repeat(50),
  });
  for (const userId of Object.values(users)) await grant(db, userId, other.id);
  const now = Date.now();
  const rows = await db
    .insert(chats)
    .values(
      ["Walter Wide", "Olga", "Pavel", "Rita", "Sergey", "Tanya", "Ulyana", "Viktor"].map((name, i) => ({
        instanceId: instance.id,
        waChatId: `7900555000${i}@c.us`,
        name,
        lastMessageAt: new Date(now - i * 60_000),
      })),
    )
    .returning({ id: chats.id });
  const chatId = rows[0]!.id;
  chatUrl = `/instances/${instance.id}/chats/${chatId}`;
  const message = (i: number, direction: "in" | "out", text: string) => ({
    instanceId: instance.id,
    chatId,
    idMessage: `PHONE${i}`,
    direction,
    via: direction === "in" ? ("whatsapp" as const) : ("web" as const),
    type: "textMessage",
    text,
    senderUserId: direction === "out" ? users.anna : null,
    senderName: direction === "out" ? "Anna" : null,
    status: direction === "out" ? ("read" as const) : null,
    sentAt: new Date(now - (10 - i) * 60_000),
  });
  const texts = ["Hello!", "Hello, how can we help?", "Where is my order?", WIDE];
  await db.insert(messages).values(texts.map((text, i) => message(i, i % 2 ? "out" : "in", text)));
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

/** The element's box, as the page lays it out. */
const box = (locator: Locator) => locator.evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);

/** Fails unless the box lies wholly inside the 390×844 viewport. */
function expectInside(r: { top: number; bottom: number; left: number; right: number }): void {
  expect(r.left).toBeGreaterThanOrEqual(0);
  expect(r.top).toBeGreaterThanOrEqual(0);
  expect(r.right).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(r.bottom).toBeLessThanOrEqual(PHONE.viewport.height);
}

/** A finger on the screen, through Chromium's touch input (the page sees touch pointer events). */
const touch = (cdp: CDPSession, type: "touchStart" | "touchEnd", x = 0, y = 0) =>
  cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });

/** A touch as pointer events on the element, all at once (no timer runs in between): `moves` are px to the right. */
const gesture = (locator: Locator, moves: number[]) =>
  locator.evaluate((el, moves) => {
    const r = el.getBoundingClientRect();
    const init = { bubbles: true, pointerId: 7, pointerType: "touch", isPrimary: true, clientY: r.top + 10 };
    const fire = (type: string, dx: number) =>
      el.dispatchEvent(new PointerEvent(type, { ...init, clientX: r.left + 20 + dx }));
    fire("pointerdown", 0);
    for (const dx of moves) fire("pointermove", dx);
    fire("pointerup", moves.at(-1) ?? 0);
  }, moves);

for (const vp of [
  { name: "en", user: "anna", take: "Take", open: "Open", me: "Anna" },
  { name: "ru", user: "boris", take: "Взять", open: "Открыт", me: "Борис" },
] as const) {
  describe(`phone conversation (${vp.name})`, () => {
    let w: Watched;
    let page: Page;
    let cdp: CDPSession;

    beforeAll(async () => {
      w = await openWatched(browser, app.url, `phone-${vp.name}`, PHONE);
      page = w.page;
      cdp = await w.context.newCDPSession(page);
      await signIn(page, vp.user, PASSWORD);
      await page.goto(chatUrl);
      await page.locator("#team-bar[data-status]").waitFor();
    }, 30_000);
    afterAll(async () => {
      await w?.context.close();
    });

    test("the header is one row of at most 64 px; the messages take at least 80 % of the screen", async () => {
      const head = await box(page.locator(".chat-head"));
      const bar = await box(page.locator("#team-bar"));
      expect(head.height).toBeLessThanOrEqual(64);
      expect(bar.top).toBeGreaterThanOrEqual(head.top);
      expect(bar.bottom).toBeLessThanOrEqual(head.bottom);
      // Every part sits inside that one row.
      for (const part of ROW) {
        const r = await box(page.locator(part));
        expect(r.height).toBeGreaterThan(0);
        expect(r.top).toBeGreaterThanOrEqual(head.top);
        expect(r.bottom).toBeLessThanOrEqual(head.bottom);
        expectInside(r);
      }
      expect(await page.locator(".number-tag").textContent()).toBe("Sales Moscow");
      // The team bar's buttons are behind ⋮, not in the header.
      expect(await page.locator("[data-team-take]").isVisible()).toBe(false);
      const scroller = await box(page.locator(".scroller"));
      expect(scroller.height).toBeGreaterThanOrEqual(0.8 * PHONE.viewport.height);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await w.shot("01-conversation");
    });

    test("⋮ opens the team actions inside the viewport, and Take from there assigns the chat", async () => {
      await page.locator("[data-team-more]").tap();
      const take = page.locator("[data-team-take]");
      await take.waitFor();
      expectInside(await box(page.locator("#team-actions")));
      expect(await take.textContent()).toBe(vp.take);
      for (const action of [".team-assign summary", "[data-team-status]"])
        expectInside(await box(page.locator(action).first()));
      await w.shot("02-team-menu");
      await take.tap();
      await page.locator(`#team-bar[data-assignee="${users[vp.user]}"]`).waitFor();
      expect(await page.locator("#team-actions").isVisible()).toBe(false);
      // The chip says the state and whose the chat is.
      const chip = page.locator(".state-chip");
      expect(await chip.textContent()).toBe(vp.open);
      expect(await chip.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(`" · ${vp.me}"`);
      expect((await box(page.locator(".chat-head"))).height).toBeLessThanOrEqual(64);
    });

    test("bubbles carry no visible ⋮; a long-press on a wide outgoing bubble opens its menu inside the viewport", async () => {
      const bubble = page.locator(".msg-out").last();
      expect(await bubble.locator(".msg-text").textContent()).toBe(WIDE);
      expect((await box(bubble.locator(".msg-actions summary"))).width).toBeLessThanOrEqual(1);
      const menu = bubble.locator(".msg-actions .menu");
      // A short tap does not open it; a finger held on the bubble does (it stays until then).
      await gesture(bubble.locator(".bubble"), []);
      expect(await menu.isVisible()).toBe(false);
      const at = await box(bubble.locator(".bubble"));
      await touch(cdp, "touchStart", Math.round(at.left + 20), Math.round(at.top + 10));
      await menu.waitFor({ timeout: 3000 });
      await touch(cdp, "touchEnd");
      expectInside(await box(menu));
      expect(await menu.locator("[data-reply]").isVisible()).toBe(true);
      await w.shot("03-bubble-menu");
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "hidden" });
    });

    test("the context menu and the keyboard open a bubble's menu too", async () => {
      const bubble = page.locator(".msg-in").last();
      const menu = bubble.locator(".msg-actions .menu");
      await bubble.locator(".msg-text").dispatchEvent("contextmenu");
      await menu.waitFor();
      expectInside(await box(menu));
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "hidden" });
      await bubble.locator(".msg-actions summary").focus();
      await page.keyboard.press("Enter");
      await menu.waitFor();
      expectInside(await box(menu));
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "hidden" });
    });

    test("a swipe to the right on a bubble starts a reply to it", async () => {
      const bubble = page.locator(".msg-in").last().locator(".bubble");
      const strip = page.locator("[data-reply-strip]");
      // The page keeps horizontal drags on bubbles for itself (vertical ones scroll).
      expect(await bubble.evaluate((el) => getComputedStyle(el).touchAction)).toBe("pan-y");
      await gesture(bubble, [10, 30, 50, 70, 90]);
      await strip.waitFor();
      expect(await strip.locator("[data-reply-text]").textContent()).toBe("Where is my order?");
      expect(await page.locator("#composer [name=quoted]").inputValue()).toBe("PHONE2");
      expect(await page.locator(".msg-in .msg-actions[open]").count()).toBe(0);
      await w.shot("04-swipe-reply");
      await page.locator("[data-reply-cancel]").tap();
      await strip.waitFor({ state: "hidden" });
    });

    test("the chat list starts its first chat in the top third; the search placeholder is not cut", async () => {
      await page.locator(".back-link").tap();
      await page.locator(".inbox-list").waitFor();
      expect(await page.locator(".list-filters select[name=instance]").isVisible()).toBe(true);
      const first = await box(page.locator("#chat-list > li").first());
      expect(first.top).toBeLessThanOrEqual(PHONE.viewport.height / 3);
      const search = page.locator(".list-filters input[type=search]");
      const fits = await search.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const context = document.createElement("canvas").getContext("2d")!;
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(input.placeholder).width <= room;
      });
      expect(fits).toBe(true);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await w.shot("05-list");
    });

    test("no console errors, CSP violations or failed requests", () => {
      expect(w.problems).toEqual([]);
    });
  });
}
