// Browser end-to-end team workflow against the fake Green-API, on a desktop and a phone (390×844): taking a chat moves it
// live between tabs in a colleague's browser, transfer with a note, reopening by a customer message, private notes that
// never reach WhatsApp, and quick replies from "/" in the composer with their placeholders filled.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { quickReplies } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import type { TestApp } from "../support/app.ts";
import { POLLED } from "../support/fake-inbox.ts";
import {
  DESKTOP,
  PHONE,
  horizontalOverflow,
  openWatched,
  signIn,
  within,
  startBrowserInbox,
  type BrowserInbox,
  type Watched,
} from "./watch.ts";

const ID = 7103888101;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef03";
const PASSWORD = "correct-horse-battery";

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001122@c.us" },
    ...POLLED,
    users: [
      ["anna", "Anna"],
      ["boris", "Boris"],
      ["vera", "Vera"],
      ["petr", "Petr"],
    ],
    password: PASSWORD,
  });
  ({ fake, app, browser } = inbox);
  await app.deps.db
    .insert(quickReplies)
    .values({ instanceId: null, code: "hello", text: "Hello {name}, this is {manager}. How can I help?" });
  app.deps.poller.start(inbox.instance);
  app.deps.outbox.start();
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

const count = (page: Page, tab: string) => page.locator(`[data-tab-count="${tab}"]`).textContent();

const viewports = [
  {
    name: "desktop",
    a: "anna",
    aName: "Anna",
    b: "boris",
    bName: "Boris",
    options: DESKTOP,
    customer: "79120000001@c.us",
    customerName: "Dana Desktop",
  },

  {
    name: "phone",
    a: "vera",
    aName: "Vera",
    b: "petr",
    bName: "Petr",
    options: PHONE,
    customer: "79120000002@c.us",
    customerName: "Pavel Phone",
  },
] as const;

for (const vp of viewports) {
  describe(`team workflow on ${vp.name} ${vp.options.viewport.width}×${vp.options.viewport.height}`, () => {
    let a: Watched;
    let b: Watched;
    const row = (page: Page) => page.locator("#chat-list > li.chat-row", { hasText: vp.customerName });
    // On the phone the team bar's actions are behind its ⋮ (public/phone.css).
    const teamMenu = async (page: Page) => {
      if (vp.name === "phone") await page.locator("[data-team-more]").click();
    };

    beforeAll(async () => {
      a = await openWatched(browser, app.url, `team-${vp.name}-a`, vp.options);
      b = await openWatched(browser, app.url, `team-${vp.name}-b`, vp.options);
      await signIn(a.page, vp.a, PASSWORD);
      await signIn(b.page, vp.b, PASSWORD);
    }, 30_000);
    afterAll(async () => {
      await a?.context.close();
      await b?.context.close();
    });

    test("a new customer chat is unassigned; when A takes it, it leaves B's Unassigned tab live and shows as A's", async () => {
      // Both pages' live streams are open once their /events requests are answered.
      const streamOf = (p: typeof a.page) => p.waitForResponse((r) => new URL(r.url()).pathname === "/events");
      await Promise.all([streamOf(a.page), a.page.goto("/chats")]);
      await Promise.all([streamOf(b.page), b.page.goto("/chats?tab=unassigned")]);
      fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: vp.customer,
        senderName: vp.customerName,
        text: "Who can help me?",
      });
      await within(10_000, async () => (await row(b.page).count()) === 1, "the chat in B's Unassigned tab");
      await within(10_000, async () => (await count(b.page, "unassigned")) === "1", "B's unassigned count");
      await row(a.page).locator("a").click();
      await a.page.locator("[data-team-take]").first().waitFor({ state: "attached" });
      await b.page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
      await teamMenu(a.page);
      await a.page.locator("[data-team-take]").click();
      await a.page.locator(".team-assignee", { hasText: `Assigned to ${vp.aName}` }).waitFor();
      await within(10_000, async () => (await row(b.page).count()) === 0, "the row leaves B's Unassigned tab");
      await within(10_000, async () => (await count(b.page, "unassigned")) === "0", "B's unassigned count drops");
      expect(await b.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
      // B's All tab shows it with A as the assignee; A's Mine tab holds it.
      await b.page.locator('.chat-tab:has(input[value="all"])').click();
      await within(
        10_000,
        async () =>
          (await row(b.page)
            .locator(".assignee-chip")
            .textContent()
            .catch(() => "")) === `@${vp.aName}`,
        "A's chip in B's All tab",
      );
      expect(await a.page.locator(".msg-system .system-line").last().textContent()).toContain(
        `${vp.aName} took the conversation`,
      );
      expect(await horizontalOverflow(b.page)).toBeLessThanOrEqual(0);
      await a.shot("01-taken");
      await b.shot("01-taken-seen-by-b");
    });

    test("B takes it and transfers it back to A with a note: A sees the system line and a notice live", async () => {
      await row(b.page).locator("a").click();
      await teamMenu(b.page);
      await b.page.locator("[data-team-take]").click();
      await b.page.locator(".team-assignee", { hasText: `Assigned to ${vp.bName}` }).waitFor();
      await teamMenu(b.page);
      await b.page.locator(".team-assign summary").click();
      await b.page.locator(".team-assign select[name=assignee]").selectOption({ label: vp.aName });
      await b.page.locator(".team-assign input[name=note]").fill("Your customer, please call back");
      await b.page.locator(".team-assign button[type=submit]").click();
      await b.page.locator(".team-assignee", { hasText: `Assigned to ${vp.aName}` }).waitFor();
      const line = `${vp.bName} transferred the conversation to ${vp.aName}: Your customer, please call back`;
      await within(
        10_000,
        async () => (await a.page.locator(".msg-system .system-line").last().textContent())?.includes(line) ?? false,
        "system line in A's conversation",
      );
      await within(
        10_000,
        async () => (await a.page.locator("#live").textContent())?.includes("Your customer, please call back") ?? false,
        "notice for A",
      );
      await within(
        10_000,
        async () => (await a.page.locator(".team-assignee").textContent()) === `Assigned to ${vp.aName}`,
        "A's bar refreshed",
      );
      await b.shot("02-transferred");
    });

    test("a private note is shown as a note and never reaches the fake Green-API", async () => {
      await a.page.locator("[data-note-toggle]").click();
      expect(await a.page.locator("[data-note-toggle]").getAttribute("aria-pressed")).toBe("true");
      await a.page.locator("#composer textarea").fill("internal: refund approved");
      await Promise.all([
        a.page.waitForResponse(
          (r) => r.request().method() === "POST" && r.url().endsWith("/notes") && r.status() === 200,
        ),
        a.page.locator(".send-button").click(),
      ]);
      expect(await a.page.locator(".msg-note .msg-text").last().textContent()).toBe("internal: refund approved");
      await within(
        10_000,
        async () =>
          (await b.page
            .locator(".msg-note .msg-text")
            .last()
            .textContent()
            .catch(() => null)) === "internal: refund approved",
        "the note live in B's conversation",
      );
      // Sent: the composer is back to messages by itself.
      await within(
        2000,
        async () => (await a.page.locator("[data-note-toggle]").getAttribute("aria-pressed")) === "false",
        "message mode after the note",
      );
    });

    test("'/' lists quick replies; choosing one fills {name} and {manager}; sending reaches the fake with that text", async () => {
      const textarea = a.page.locator("#composer textarea");
      await textarea.fill("");
      await textarea.pressSequentially("/hel");
      const option = a.page.locator(".qr-pop [role=option]").first();
      await option.waitFor();
      expect(await option.locator("b").textContent()).toBe("/hello");
      await a.shot("03-quick-replies");
      if (vp.name === "desktop") await textarea.press("Enter");
      else await option.tap();
      const expected = `Hello ${vp.customerName}, this is ${vp.aName}. How can I help?`;
      expect(await textarea.inputValue()).toBe(expected);
      expect(await a.page.locator(".qr-pop").count()).toBe(0);
      await Promise.all([
        a.page.waitForResponse(
          (r) => r.request().method() === "POST" && r.url().endsWith("/messages") && r.status() === 200,
        ),
        vp.name === "desktop" ? textarea.press("Enter") : a.page.locator(".send-button").tap(),
      ]);
      await within(
        5000,
        async () => fake.control.sentMessages(ID).some((s) => s.text === expected && s.chatId === vp.customer),
        "the quick reply at the fake",
      );
      // The note written before this send never went out.
      expect(fake.control.sentMessages(ID).filter((s) => String(s.text ?? "").includes("refund approved"))).toEqual([]);
    });

    test("resolved, then reopened live when the customer writes again", async () => {
      await teamMenu(a.page);
      await a.page.locator('[data-team-status="resolved"]').click();
      await a.page.locator("#team-bar[data-status=resolved]").waitFor();
      await within(10_000, async () => (await count(b.page, "resolved").catch(() => null)) !== null, "tabs present");
      fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: vp.customer,
        senderName: vp.customerName,
        text: "Sorry, one more question",
      });
      // Live (no reload): the customer's message goes through polling and the intake first, so the bound is generous.
      await within(
        15_000,
        async () => (await a.page.locator("#team-bar").getAttribute("data-status")) === "open",
        "A's bar shows the chat open again",
      );
      await within(
        10_000,
        async () =>
          (await a.page.locator(".msg-system .system-line").last().textContent())?.includes(
            "Reopened: the customer wrote again",
          ) ?? false,
        "reopen line",
      );
      expect(await a.page.locator(".msg-in .msg-text").last().textContent()).toBe("Sorry, one more question");
      await a.shot("04-reopened");
    });

    test("no console errors, CSP violations or failed requests", () => {
      expect(a.problems).toEqual([]);
      expect(b.problems).toEqual([]);
    });
  });
}
