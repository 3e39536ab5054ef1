// Browser, desktop, against the fake Green-API: small things of the inbox a user notices — Enter on a chat in the list
// hands the focus to its composer; a chat resolved while open stays in "All" until the user leaves it; a sent note puts
// the composer back into message mode, and note mode says why files cannot be attached instead of hiding the button.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { chats } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import type { TestApp } from "../support/app.ts";
import { POLLED } from "../support/fake-inbox.ts";
import { waitFor } from "../support/wait.ts";
import { DESKTOP, openWatched, signIn, within, startBrowserInbox, type BrowserInbox, type Watched } from "./watch.ts";

const ID = 7103888301;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef05";
const PASSWORD = "correct-horse-battery";

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let w: Watched;

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001122@c.us" },
    ...POLLED,
    users: [["anna", "Anna"]],
    password: PASSWORD,
  });
  ({ fake, app, browser } = inbox);
  app.deps.poller.start(inbox.instance);
  w = await openWatched(browser, app.url, "inbox-details", DESKTOP);
  await signIn(w.page, "anna", PASSWORD);
  for (const [chatId, senderName] of [
    ["79120000101@c.us", "Carol"],
    ["79120000102@c.us", "Dan"],
  ] as const)
    fake.control.injectIncoming(ID, { type: "textMessage", chatId, senderName, text: `Hello from ${senderName}` });
}, 60_000);

afterAll(async () => {
  await w?.context.close();
  await inbox?.stop();
}, 20_000);

const row = (page: Page, name: string) => page.locator("#chat-list > li.chat-row", { hasText: name });
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.closest("#composer") ? " in composer" : ""}` : "";
  });

test("Enter on a chat in the list opens it and hands the focus to its composer", async () => {
  await waitFor(async () => (await app.deps.db.select().from(chats)).length === 2, { timeout: 15_000 });
  await Promise.all([w.page.waitForResponse((r) => new URL(r.url()).pathname === "/events"), w.page.goto("/chats")]);
  await within(5000, async () => (await w.page.locator("#chat-list > li.chat-row").count()) === 2, "both chats");
  await row(w.page, "Carol").locator(".chat-link").focus();
  await w.page.keyboard.press("Enter");
  await w.page.locator("#chat-pane.conversation h2", { hasText: "Carol" }).waitFor();
  await within(5000, async () => (await focused(w.page)) === "textarea in composer", "the composer focused");
  // Typing goes straight into the reply.
  await w.page.keyboard.type("Hi");
  expect(await w.page.locator("#composer textarea").inputValue()).toBe("Hi");
  await w.page.locator("#composer textarea").fill("");
});

test("a chat resolved while open stays in All (marked resolved) until the user opens another", async () => {
  await w.page.locator("#team-bar [data-team-status]").first().waitFor({ state: "attached" });
  // Resolve, wherever the bar keeps the button (a row of actions, or a menu).
  await w.page.locator('[data-team-status="resolved"]').evaluate((b: HTMLElement) => b.click());
  await w.page.locator("#team-bar[data-status=resolved]").waitFor({ state: "attached" });
  await within(
    10_000,
    async () =>
      (await row(w.page, "Carol")
        .locator("[data-row-state]")
        .getAttribute("data-status", { timeout: 100 })
        .catch(() => null)) === "resolved",
    "the open chat's row updated to resolved, still in All",
  );
  expect(await row(w.page, "Carol").locator(".state-chip").textContent()).toBe("Resolved");
  await w.shot("resolved-stays");
  // Leaving it for another chat: the resolved row leaves All.
  await row(w.page, "Dan").locator(".chat-link").click();
  await w.page.locator("#chat-pane.conversation h2", { hasText: "Dan" }).waitFor();
  await within(5000, async () => (await row(w.page, "Carol").count()) === 0, "the resolved row gone from All");
});

test("note mode: attaching is unavailable and says why; after a note is sent the composer is back to messages", async () => {
  const composer = w.page.locator("#composer");
  const attach = composer.locator(".attach-button");
  const toggle = composer.locator("[data-note-toggle]");
  const placeholder = await composer.locator("textarea").getAttribute("placeholder");
  await toggle.click();
  expect(await toggle.getAttribute("aria-pressed")).toBe("true");
  // Still in its place, visibly unavailable, with the reason.
  expect(await attach.isVisible()).toBe(true);
  expect(await attach.getAttribute("aria-disabled")).toBe("true");
  const why = "Notes are text only. To send a file, switch back to a message.";
  expect(await attach.getAttribute("title")).toBe(why);
  expect(await w.page.locator("#attach-file").isDisabled()).toBe(true);
  await attach.click({ force: true }); // aria-disabled: a user can still tap it
  await w.page.locator("#flash .flash", { hasText: why }).waitFor();
  expect(await w.page.locator("#attach").isHidden()).toBe(true);

  await composer.locator("textarea").fill("internal: call back after 5");
  await Promise.all([
    w.page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/notes") && r.status() === 200),
    composer.locator("button[type=submit].send-button").click(),
  ]);
  await w.page.locator(".msg-note .msg-text", { hasText: "internal: call back after 5" }).waitFor();
  await within(2000, async () => (await toggle.getAttribute("aria-pressed")) === "false", "back to message mode");
  expect(await composer.getAttribute("data-note")).toBeNull();
  expect(await composer.locator("textarea").getAttribute("placeholder")).toBe(placeholder);
  expect(await attach.getAttribute("aria-disabled")).toBe("false");
  expect(await attach.getAttribute("title")).toBe("Attach a file");
  expect(await w.page.locator("#attach-file").isDisabled()).toBe(false);
  await w.shot("note-sent");
  // The next text goes to the customer.
  await composer.locator("textarea").fill("We will call you back");
  await Promise.all([
    w.page.waitForResponse(
      (r) => r.request().method() === "POST" && r.url().endsWith("/messages") && r.status() === 200,
    ),
    composer.locator("button[type=submit].send-button").click(),
  ]);
});

test("no console errors, CSP violations or failed requests", () => {
  expect(w.problems).toEqual([]);
});
