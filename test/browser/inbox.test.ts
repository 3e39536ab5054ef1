// Browser end-to-end inbox against the fake Green-API (polling): live list and conversation, replies with quotes and ticks,
// older pages, image upload, notifications, phone layout — on a desktop (English) and a phone (Russian).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Locator, Page } from "playwright-core";
import { chats, messages } from "../../src/db/schema/index.ts";
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

const ID = 7103888001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef02";
const PASSWORD = "correct-horse-battery";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let instanceId: number;
let historyChat: number;

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001122@c.us" },
    ...POLLED,
    users: [
      ["anna", "Anna"],
      ["boris", "Борис"],
    ],
    password: PASSWORD,
  });
  ({ fake, app, browser } = inbox);
  const { db } = app.deps;
  instanceId = inbox.instance.id;
  // A long conversation from the past days, for scrolling up.
  const [history] = await db
    .insert(chats)
    .values({
      instanceId,
      waChatId: "79005550000@c.us",
      name: "History Hank",
      lastMessageAt: new Date(Date.now() - 3_600_000),
    })
    .returning();
  historyChat = history!.id;
  const start = Date.now() - 4 * 86_400_000;
  await db.insert(messages).values(
    Array.from({ length: 120 }, (_, i) => ({
      instanceId,
      chatId: historyChat,
      idMessage: `HIST${i}`,
      direction: i % 2 ? ("in" as const) : ("out" as const),
      via: i % 2 ? ("whatsapp" as const) : ("web" as const),
      type: "textMessage",
      text: `history ${i}`,
      senderName: i % 2 ? null : "Anna",
      status: i % 2 ? null : ("read" as const),
      sentAt: new Date(start + i * 45 * 60_000),
    })),
  );
  app.deps.poller.start(inbox.instance);
  app.deps.outbox.start();
  await app.deps.media.start();
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

const viewports = [
  {
    name: "desktop",
    user: "anna",
    locale: "en-US",
    options: DESKTOP,
    customer: "79110000001@c.us",
    customerName: "Dana Desktop",
    today: "Today",
  },
  {
    name: "phone",
    user: "boris",
    locale: "ru-RU",
    options: PHONE,
    customer: "79110000002@c.us",
    customerName: "Петя Телефонов",
    today: "Сегодня",
  },
] as const;

for (const vp of viewports) {
  describe(`inbox on ${vp.name} ${vp.options.viewport.width}×${vp.options.viewport.height}`, () => {
    let w: Watched;
    let page: Page;
    let chatPath = "";
    let customerMessageId = "";
    // A bubble's menu: its ⋮ on the desktop; on the touch phone the ⋮ shows only to the keyboard (long-press: phone.test.ts).
    const openMenu = async (bubble: Locator) => {
      const summary = bubble.locator(".msg-actions summary");
      if (vp.name === "desktop") return summary.click();
      await summary.focus();
      await page.keyboard.press("Enter");
    };

    beforeAll(async () => {
      w = await openWatched(browser, app.url, `inbox-${vp.name}`, { ...vp.options, locale: vp.locale });
      page = w.page;
      await signIn(page, vp.user, PASSWORD);
    }, 30_000);
    afterAll(async () => {
      await w?.context.close();
    });

    test("a customer message appears at the top of the open chat list within 1 s, with an unread badge and the count in the title", async () => {
      await page.goto("/chats");
      await page.locator("#chat-list").waitFor();
      await page.waitForFunction(() => (window as unknown as { htmx?: unknown }).htmx !== undefined);
      await page.waitForTimeout(300); // the live stream connects
      await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
      fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: vp.customer,
        senderName: vp.customerName,
        text: "Hello, is anyone there?",
      });
      const ms = await within(
        1000,
        async () =>
          (await page.locator("#chat-list > li").first().textContent())?.includes("Hello, is anyone there?") ?? false,
        "row at the top",
      );
      expect(ms).toBeLessThan(1000);
      const row = page.locator("#chat-list > li").first();
      expect(await row.locator(".chat-name").textContent()).toBe(vp.customerName);
      expect(await row.locator(".unread").textContent()).toBe("1");
      expect(await row.locator(".instance-badge").textContent()).toBe("Sales");
      await within(1000, async () => /^\(\d+\) /.test(await page.title()), "unread count in the title");
      expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      // The bell asks for permission (a click is a user gesture) while the browser has not been asked yet.
      const ask = await page.evaluate(() => "Notification" in window && Notification.permission === "default");
      expect(await page.locator("[data-notify-ask]").isVisible()).toBe(ask);
      await w.shot("01-list-live");
    });

    test("opening the chat shows the conversation (a separate screen on the phone) and marks it read", async () => {
      await page.locator("#chat-list > li").first().locator("a").click();
      await page.locator(".conversation").waitFor();
      chatPath = new URL(page.url()).pathname;
      expect(chatPath).toMatch(new RegExp(`^/instances/${instanceId}/chats/\\d+$`));
      expect(await page.locator(".conversation .msg-text").last().textContent()).toBe("Hello, is anyone there?");
      expect(await page.locator(".day span").last().textContent()).toBe(vp.today);
      await within(
        1000,
        async () => new RegExp(`^(\\(\\d+\\) )?${vp.customerName} · GreenInbox$`).test(await page.title()),
        "the chat's title",
      );
      if (vp.name === "phone") {
        expect(await page.locator(".inbox-list").isVisible()).toBe(false);
        expect(await page.locator(".back-link").isVisible()).toBe(true);
        expect(await page.locator(".nav").isVisible()).toBe(false);
      } else {
        expect(await page.locator(".inbox-list").isVisible()).toBe(true);
        expect(await page.locator(".back-link").isVisible()).toBe(false);
        expect(await page.locator('.chat-link[aria-current="page"] .chat-name').textContent()).toBe(vp.customerName);
        await within(
          1000,
          async () => (await page.locator('.chat-link[aria-current="page"] .unread').count()) === 0,
          "badge cleared",
        );
      }
    });

    test("a new customer message arrives in the open conversation within 1 s, without a reload", async () => {
      await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
      const { idMessage } = fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: vp.customer,
        senderName: vp.customerName,
        text: "I need help with my order",
      });
      customerMessageId = idMessage;
      const ms = await within(
        1000,
        async () =>
          (await page.locator(".conversation .msg-text").last().textContent()) === "I need help with my order",
        "live bubble",
      );
      expect(ms).toBeLessThan(1000);
      expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
      await w.shot("02-conversation-live");
    });

    test("a reply to that message reaches the fake as sendMessage with the chatId and quotedMessageId; ticks advance to read", async () => {
      const customerBubble = page.locator(".msg-in").last();
      await openMenu(customerBubble);
      await customerBubble.locator("[data-reply]").click();
      const strip = page.locator("[data-reply-strip]");
      expect(await strip.isVisible()).toBe(true);
      expect(await strip.locator("[data-reply-text]").textContent()).toBe("I need help with my order");
      const text = `On it! (${vp.name})`;
      await page.locator("#composer textarea").fill(text);
      const before = await page.locator(".msg-out").count();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/messages")),
        vp.name === "desktop" ? page.locator("#composer textarea").press("Enter") : page.locator(".send-button").tap(),
      ]);
      expect(response.status()).toBe(200);
      // The bubble is on the page as soon as the post answers, pending or further along.
      const bubble = page.locator(".msg-out").last();
      expect(await page.locator(".msg-out").count()).toBe(before + 1);
      expect(await bubble.locator(".msg-text").textContent()).toBe(text);
      expect(await bubble.locator(".quote span").textContent()).toBe("I need help with my order");
      expect(await page.locator("#composer textarea").inputValue()).toBe("");
      expect(await strip.isVisible()).toBe(false);
      const seen: string[] = [];
      await within(
        10_000,
        async () => {
          const cls = (await bubble.locator(".ticks").getAttribute("class")) ?? "";
          const status = cls.replace("ticks ticks-", "");
          if (seen.at(-1) !== status) seen.push(status);
          return status === "read";
        },
        "read ticks",
      );
      const order = ["pending", "sent", "delivered", "read"];
      expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort());
      expect(seen.length).toBeGreaterThanOrEqual(2);
      const sent = fake.control.sentMessages(ID).filter((s) => s.text === text);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ method: "sendMessage", chatId: vp.customer });
      // The journal is rate-limited like every Green-API method (the app reads it too): asked again until it answers.
      let journal: { textMessage?: string; quotedMessage?: { stanzaId?: string } }[] = [];
      await within(
        5000,
        async () => {
          const answer = await fetch(`${fake.url}/waInstance${ID}/lastOutgoingMessages/${TOKEN}`);
          const body = answer.ok ? ((await answer.json()) as typeof journal | null) : null;
          if (Array.isArray(body)) journal = body;
          return Array.isArray(body);
        },
        "the fake's outgoing journal",
      );
      expect(journal.find((j) => j.textMessage === text)?.quotedMessage?.stanzaId).toBe(customerMessageId);
      expect(await bubble.locator(".ticks-read").count()).toBe(1);
      // The number's markReadPolicy is "onReply": replying marks the customer's messages read on WhatsApp (blue ticks).
      await within(3000, async () => fake.control.inspect(ID).readChats.includes(vp.customer), "readChat at the fake");
      await w.shot("03-reply-read");
    });

    test("a reaction from the message menu reaches the fake as sendReaction and shows under the bubble", async () => {
      const customerBubble = page.locator(".msg-in").last();
      await openMenu(customerBubble);
      const thumbs = customerBubble.locator('.menu-reactions button[value="👍"]');
      await within(2000, async () => (await thumbs.count()) === 1, "the menu's quick reactions");
      await thumbs.click();
      await within(
        5000,
        async () => (await page.locator(".msg-in").last().locator(".reactions li").allTextContents()).includes("👍"),
        "the reaction under the bubble",
      );
      const sent = fake.control.messageChanges(ID).filter((c) => c.method === "sendReaction");
      expect(sent.at(-1)).toMatchObject({ chatId: vp.customer, idMessage: customerMessageId, reaction: "👍" });
    });

    test("the author edits that reply in place (editMessage at the fake), then deletes it for everyone", async () => {
      const bubble = page.locator(".msg-out").last();
      const idMessage = fake.control.sentMessages(ID).at(-1)!.idMessage;
      await openMenu(bubble);
      await bubble.locator('button[hx-get$="/edit"]').click();
      const editor = page.locator(".msg-editing textarea");
      await editor.waitFor();
      const edited = `Edited reply (${vp.name})`;
      await editor.fill(edited);
      await page.locator(".msg-editing button[type=submit]").click();
      await within(
        5000,
        async () => (await page.locator(".msg-out").last().locator(".msg-text").textContent()) === edited,
        "the edited text",
      );
      expect(await page.locator(".msg-out").last().locator(".edited").count()).toBe(1);
      expect(fake.control.messageChanges(ID)).toContainEqual({
        method: "editMessage",
        chatId: vp.customer,
        idMessage,
        text: edited,
        applied: true,
      });
      page.once("dialog", (d) => void d.accept());
      await openMenu(page.locator(".msg-out").last());
      await page.locator(".msg-out").last().locator('button[hx-post$="/delete"]').click();
      await within(
        5000,
        async () => (await page.locator(".msg-out").last().locator(".msg-deleted").count()) === 1,
        "shown as deleted",
      );
      expect(
        fake.control.messageChanges(ID).filter((c) => c.method === "deleteMessage" && c.idMessage === idMessage),
      ).toHaveLength(1);
      await w.shot("03b-edited-deleted");
    });

    test("an image sent from the browser arrives at the fake through sendFileByUpload", async () => {
      await page
        .locator("#attach-file")
        .setInputFiles({ name: `dot-${vp.name}.png`, mimeType: "image/png", buffer: PNG });
      const panel = page.locator("#attach");
      expect(await panel.isVisible()).toBe(true);
      expect(await panel.locator("[data-attach-name]").textContent()).toContain(`dot-${vp.name}.png`);
      await panel.locator(".attach-preview").waitFor({ timeout: 2000 }); // an image preview, once the blob is decoded
      await panel.locator("[name=caption]").fill("a tiny dot");
      await w.shot("04-attach");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/files") && r.status() === 200),
        panel.locator("[type=submit]").click(),
      ]);
      expect(await panel.isVisible()).toBe(false);
      const bubble = page.locator(".msg-out").last();
      expect(await bubble.locator(".msg-text").textContent()).toBe("a tiny dot");
      await bubble.locator("img").waitFor();
      await within(
        5000,
        async () =>
          fake.control
            .sentMessages(ID)
            .some(
              (s) => s.method === "sendFileByUpload" && s.fileName === `dot-${vp.name}.png` && s.chatId === vp.customer,
            ),
        "sendFileByUpload at the fake",
      );
      await within(
        5000,
        async () => (await bubble.locator("img").evaluate((img) => (img as HTMLImageElement).naturalWidth)) === 1,
        "the image loads from the media route",
      );
    });

    test("scrolling up loads older pages of 50 until the start of the conversation", async () => {
      if (vp.name === "phone") {
        await page.locator(".back-link").tap();
        await page.locator(".inbox-list").waitFor();
      }
      await page.locator(`.chat-link[href="/instances/${instanceId}/chats/${historyChat}"]`).click();
      await page.locator(`#msgs-${historyChat}`).waitFor();
      const bubbles = page.locator(`#msgs-${historyChat} .msg`);
      expect(await bubbles.count()).toBe(50);
      await w.shot("05-history");
      for (const expected of [100, 120]) {
        await page.locator(".scroller").evaluate((el) => el.scrollTo({ top: -el.scrollHeight }));
        await within(3000, async () => (await bubbles.count()) === expected, `${expected} messages`);
      }
      expect(await page.locator(".messages .start").isVisible()).toBe(true);
      const texts = await page.locator(`#msgs-${historyChat} .msg-text`).allTextContents();
      expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `history ${i}`));
      // One separator per day, in order.
      const days = await page.locator(`#msgs-${historyChat} .day`).evaluateAll((els) => els.map((e) => e.id));
      expect(new Set(days).size).toBe(days.length);
      expect([...days].sort()).toEqual(days);
    });

    if (vp.name === "desktop") {
      test("search narrows the list as you type (URL kept); a new chat by number opens in the pane", async () => {
        const search = page.locator(".list-filters input[type=search]");
        await search.pressSequentially("Hank", { delay: 30 });
        await within(
          2000,
          async () => (await page.locator("#chat-list .chat-name").allTextContents()).join() === "History Hank",
          "search results",
        );
        expect(new URL(page.url()).search).toBe("?q=Hank");
        // Searching beside the open chat keeps it open, highlighted, and in the address.
        await within(
          1000,
          async () => (await page.locator('.chat-link[aria-current="page"]').count()) === 1,
          "open chat highlighted",
        );
        expect(new URL(page.url()).pathname).toBe(`/instances/${instanceId}/chats/${historyChat}`);
        await w.shot("06-search");
        await search.fill("");
        await within(2000, async () => (await page.locator("#chat-list .chat-name").count()) > 1, "all chats again");
        await page.locator(".new-chat summary").click();
        await page.locator(".new-chat-form input[name=to]").fill("+7 911 000-00-77");
        await page.locator(".new-chat-form textarea").fill("Hello from the shop");
        await page.locator(".new-chat-form button[type=submit]").click();
        await within(
          3000,
          async () => (await page.locator(".conversation .msg-text").last().textContent()) === "Hello from the shop",
          "new chat opened",
        );
        expect(new URL(page.url()).pathname).toMatch(/\/chats\/\d+$/);
        expect(await page.locator(".new-chat-form").isVisible()).toBe(false);
        await within(
          5000,
          async () =>
            fake.control
              .sentMessages(ID)
              .some((m) => m.chatId === "79110000077@c.us" && m.text === "Hello from the shop"),
          "sent to the new number",
        );
      });
    }

    test("phone-first: tap targets are at least 44 px, nothing scrolls sideways, the composer sits at the bottom", async () => {
      const viewport = page.viewportSize()!;
      const menus = vp.name === "desktop" ? [".msg-actions summary"] : [];
      // An empty box shows the mic where the send button is (WhatsApp's grammar); typing brings the send button back.
      expect(await page.locator("#composer .send-button").isHidden()).toBe(true);
      for (const selector of [".voice-button", ".attach-button", ...menus, "#composer textarea"]) {
        const box = (await page.locator(selector).last().boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
      }
      await page.locator("#composer textarea").fill("x");
      expect((await page.locator("#composer .send-button").boundingBox())!.height).toBeGreaterThanOrEqual(44);
      expect(await page.locator("#composer .voice-button").isHidden()).toBe(true);
      await page.locator("#composer textarea").fill("");
      const composer = (await page.locator(".composer-wrap").boundingBox())!;
      expect(Math.round(composer.y + composer.height)).toBe(viewport.height);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      if (vp.name === "phone") {
        expect((await page.locator(".back-link").boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await page.locator(".back-link").tap();
        await page.locator(".inbox-list").waitFor();
        const row = (await page.locator(".chat-link").first().boundingBox())!;
        expect(row.height).toBeGreaterThanOrEqual(44);
        expect(row.width).toBe(viewport.width);
        await page.setViewportSize({ width: 360, height: 740 });
        await page.emulateMedia({ colorScheme: "dark" });
        try {
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await w.shot("06-list-360-dark");
          await page.locator(`.chat-link[href="/instances/${instanceId}/chats/${historyChat}"]`).click();
          await page.locator(".conversation").waitFor();
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await w.shot("07-conversation-360-dark");
        } finally {
          await page.emulateMedia({ colorScheme: "light" });
          await page.setViewportSize(vp.options.viewport);
        }
      }
    });

    test("a browser notification is shown for a new message while the tab is in the background", async () => {
      await page.evaluate(() => {
        const shown: string[] = [];
        (window as unknown as { __shown: string[] }).__shown = shown;
        class FakeNotification {
          static permission = "granted";
          onclick: (() => void) | null = null;
          constructor(title: string) {
            shown.push(title);
          }
          close() {}
        }
        Object.defineProperty(window, "Notification", { value: FakeNotification });
        document.hasFocus = () => false;
      });
      fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: "79110000009@c.us",
        senderName: `Erin ${vp.name}`,
        text: "Ping",
      });
      await within(
        2000,
        async () =>
          (await page.evaluate(() => (window as unknown as { __shown: string[] }).__shown)).includes(
            `Erin ${vp.name} · Sales`,
          ),
        "notification",
      );
    });

    test("offline: sending says so next to the page and keeps what was typed", async () => {
      await w.context.setOffline(true);
      try {
        await page.locator("#composer textarea").fill("lost in the tunnel?");
        await page.locator(".send-button").click();
        await page.locator("#flash .flash-error").waitFor({ timeout: 3000 });
        expect(await page.locator("#flash .flash-error").textContent()).toBe(
          vp.name === "desktop"
            ? "Could not reach the server. What you typed is still there; try again."
            : "Нет связи с сервером. Набранный текст сохранён — попробуйте ещё раз.",
        );
        expect(await page.locator("#composer textarea").inputValue()).toBe("lost in the tunnel?");
      } finally {
        await w.context.setOffline(false);
      }
      await page.locator("#flash .flash-error").click();
      expect(await page.locator("#flash .flash-error").count()).toBe(0);
      await page.locator("#composer textarea").fill("");
      // htmx logs the failed send itself; the browser reports the request that could not go out.
      w.forgive(
        /^console error: (htmx:(afterRequest|sendError)|Failed to load resource: net::ERR_INTERNET_DISCONNECTED)|^request failed: .*\/messages net::ERR_INTERNET_DISCONNECTED$/,
      );
    });

    test("no console errors, page errors, CSP violations or failed requests", async () => {
      await page.waitForTimeout(300);
      expect(w.problems).toEqual([]);
    });
  });
}

describe("two managers in one chat", () => {
  test("each sees the other's reply live", async () => {
    const desk = await openWatched(browser, app.url, "pair-desktop", DESKTOP);
    const phone = await openWatched(browser, app.url, "pair-phone", { ...PHONE, locale: "ru-RU" });
    try {
      fake.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: "79110000005@c.us",
        senderName: "Shared Sue",
        text: "Anyone?",
      });
      const chatId = await within(
        3000,
        async () => (await app.deps.db.select().from(chats)).some((c) => c.name === "Shared Sue"),
        "chat stored",
      ).then(async () => (await app.deps.db.select().from(chats)).find((c) => c.name === "Shared Sue")!.id);
      for (const [w, user] of [
        [desk, "anna"],
        [phone, "boris"],
      ] as const) {
        await signIn(w.page, user, PASSWORD);
        await w.page.goto(`/instances/${instanceId}/chats/${chatId}`);
        await w.page.locator(".conversation").waitFor();
      }
      await phone.page.waitForTimeout(300);
      await desk.page.locator("#composer textarea").fill("Anna here");
      await desk.page.locator("#composer textarea").press("Enter");
      await within(
        1000,
        async () => (await phone.page.locator(".msg-out .msg-text").allTextContents()).includes("Anna here"),
        "Anna's reply on Boris's phone",
      );
      // The fake's webhook echo of the send may be stored (and shown) a moment before the send learns its idMessage;
      // it is then folded into Anna's message and its bubble leaves: what stays is one bubble, by Anna.
      const annaBubbles = phone.page.locator(".msg-out", {
        has: phone.page.locator(".msg-text", { hasText: /^Anna here$/ }),
      });
      await within(2000, async () => (await annaBubbles.count()) === 1, "one bubble of Anna's reply");
      expect(await annaBubbles.locator(".msg-sender").textContent()).toBe("Anna");
      await phone.page.locator("#composer textarea").fill("Борис тоже здесь");
      await phone.page.locator(".send-button").tap();
      await within(
        1000,
        async () => (await desk.page.locator(".msg-out .msg-text").allTextContents()).includes("Борис тоже здесь"),
        "Boris's reply on Anna's desktop",
      );
      await desk.shot("01");
      await phone.shot("01");
      expect(desk.problems).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  }, 30_000);
});
