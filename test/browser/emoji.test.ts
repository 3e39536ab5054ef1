// Browser test of the composer's emoji picker on a phone (390×844) in Russian: the vendored emoji-picker-element loads
// on the first tap only, from the app itself (no other host), inside the viewport and under the app's CSP, in Russian;
// the chosen emoji goes in at the caret and reaches the fake Green-API in the sent text (real HTTP).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { chats, messages } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import type { TestApp } from "../support/app.ts";
import { PHONE, openWatched, signIn, within, startBrowserInbox, type BrowserInbox, type Watched } from "./watch.ts";

const ID = 7103888301;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef07";
const PASSWORD = "correct-horse-battery";

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let chatPath = "";

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001122@c.us" },
    env: { OUTBOX_RECONCILE_SECONDS: "2" },
    users: [["boris", "Борис"]],
    password: PASSWORD,
  });
  ({ fake, app, browser } = inbox);
  const { db } = app.deps;
  const [chat] = await db
    .insert(chats)
    .values({ instanceId: inbox.instance.id, waChatId: "79005550303@c.us", name: "Эмма", lastMessageAt: new Date() })
    .returning();
  await db.insert(messages).values({
    instanceId: inbox.instance.id,
    chatId: chat!.id,
    idMessage: "EMOJI-IN-1",
    direction: "in",
    via: "whatsapp",
    type: "textMessage",
    text: "Здравствуйте!",
    sentAt: new Date(),
  });
  chatPath = `/instances/${inbox.instance.id}/chats/${chat!.id}`;
  app.deps.outbox.start();
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

describe("emoji picker on a phone 390×844 in Russian", () => {
  let w: Watched;
  const hosts = new Set<string>();
  const picker = "emoji-picker";
  const popover = ".emoji-popover";

  beforeAll(async () => {
    w = await openWatched(browser, app.url, "emoji-phone", { ...PHONE, locale: "ru-RU" });
    w.page.on("request", (req) => void hosts.add(new URL(req.url()).origin));
    await signIn(w.page, "boris", PASSWORD);
  }, 30_000);
  afterAll(async () => {
    await w?.context.close();
  });

  test("the page does not load the picker until the emoji button is tapped", async () => {
    const loaded: string[] = [];
    const listen = (req: { url(): string }) => void loaded.push(new URL(req.url()).pathname);
    w.page.on("request", listen);
    await w.page.goto(chatPath);
    await w.page.locator("#composer .emoji-button").waitFor();
    await w.page.waitForLoadState("load");
    w.page.off("request", listen);
    expect(loaded.filter((path) => path.includes("emoji-picker"))).toEqual([]);
    expect(await w.page.locator("#composer .emoji-button").getAttribute("aria-label")).toBe("Эмодзи");
  });

  test("the picker opens inside the viewport, in Russian, and puts the chosen emoji at the caret", async () => {
    const area = w.page.locator("#composer textarea");
    await area.fill("Добрый день!");
    // The caret before "!": the emoji goes there, not at the end.
    await area.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(11, 11));
    await w.page.locator("#composer .emoji-button").click();
    await w.page.locator(`${popover} ${picker}`).waitFor();
    // The Russian data set: the first smiley is named in Russian.
    const grinning = w.page.locator(`${picker} [id="emo-😀"]`);
    await grinning.waitFor({ timeout: 30_000 }); // a first open fetches the data and fills IndexedDB
    expect(await grinning.getAttribute("title")).toBe("широко улыбается");
    expect(await w.page.locator(`${picker} input.search`).getAttribute("placeholder")).toBe("Искать");
    expect(await w.page.locator("#composer .emoji-button").getAttribute("aria-expanded")).toBe("true");
    const box = (await w.page.locator(popover).boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(300);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.viewport.width);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.viewport.height);
    // Above the composer, not over it.
    const composer = (await w.page.locator("#composer").boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(composer.y + 1);
    await w.shot("01-open");
    // The picker tells its click after a look-up in its IndexedDB: the text changes a moment later.
    const typed = async (want: RegExp) =>
      within(3000, async () => want.test(await area.inputValue()), `the textarea to match ${want}`);
    await grinning.click();
    await typed(/^Добрый день😀!$/u);
    // A second emoji follows the first (the picker stays open for more).
    await w.page.locator(`${picker} [id="emo-😃"]`).click();
    await typed(/^Добрый день😀😃!$/u);
    // Tapping the button again closes it.
    await w.page.locator("#composer .emoji-button").click();
    await w.page.locator(popover).waitFor({ state: "hidden" });
    expect(await w.page.locator("#composer .emoji-button").getAttribute("aria-expanded")).toBe("false");
  });

  test("the text with the emoji is sent and reaches the fake Green-API", async () => {
    const text = await w.page.locator("#composer textarea").inputValue();
    await w.page.locator("#composer button[type=submit]").click();
    await within(
      10_000,
      async () => fake.control.sentMessages(ID).some((s) => s.text === text),
      "the text with its emoji at the fake Green-API",
    );
    await w.page.locator(".msg-out .msg-text", { hasText: "Добрый день😀" }).waitFor();
  });

  test("Esc closes the picker; it opens again at once (the emoji are kept in the browser)", async () => {
    await w.page.locator("#composer .emoji-button").click();
    await w.page.locator(`${picker} [role=menuitem]`).first().waitFor();
    await w.page.keyboard.press("Escape");
    await w.page.locator(popover).waitFor({ state: "hidden" });
  });

  test("everything came from the app itself, with no console errors, CSP violations or failed requests", async () => {
    expect([...hosts]).toEqual([new URL(app.url).origin]);
    expect(w.problems).toEqual([]);
  });
});
