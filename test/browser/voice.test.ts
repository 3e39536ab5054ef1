// Browser: a voice note recorded from Chromium's fake microphone (MediaRecorder, level meter, timer) reaches the fake
// Green-API as an Ogg/Opus `.ogg` upload and shows as a voice message with its length; Cancel sends nothing; a blocked
// or missing microphone is explained in the reader's language.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { chats, messages } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import type { TestApp } from "../support/app.ts";
import { waitFor } from "../support/wait.ts";
import { DESKTOP, openWatched, PHONE, signIn, startBrowserInbox, type BrowserInbox } from "./watch.ts";

const ID = 7103888051;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef51";
const CUSTOMER = "79001230051@c.us";
const PASSWORD = "correct-horse-battery";

let inbox: BrowserInbox;
let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let chatPath = "";

beforeAll(async () => {
  inbox = await startBrowserInbox({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990001151@c.us" },
    fake: { timings: { sendDelayMs: 1, statusStepMs: 200, maxReceiveWaitMs: 1000 } },
    users: [
      ["anna", "Anna"],
      ["boris", "Борис"],
    ],
    password: PASSWORD,
    chromiumArgs: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
  });
  ({ fake, app, browser } = inbox);
  const { db } = app.deps;
  const [chat] = await db
    .insert(chats)
    .values({ instanceId: inbox.instance.id, waChatId: CUSTOMER, name: "Vera Voice", lastMessageAt: new Date() })
    .returning();
  await db.insert(messages).values({
    instanceId: inbox.instance.id,
    chatId: chat!.id,
    idMessage: "VOICEIN1",
    direction: "in",
    via: "whatsapp",
    type: "textMessage",
    text: "Can you send me a voice note?",
    sentAt: new Date(),
  });
  chatPath = `/instances/${inbox.instance.id}/chats/${chat!.id}`;
  app.deps.outbox.start();
}, 60_000);

afterAll(() => inbox?.stop(), 20_000);

const uploads = () => fake.control.sentMessages(ID).filter((s) => s.method === "sendFileByUpload");

/** Starts recording and waits until the timer has run a second and the meter has shown the microphone's signal. */
async function record(page: Page): Promise<void> {
  await page.locator(".voice-button").click();
  await page.locator("[data-voice-bar]").waitFor({ state: "visible" });
  // The meter's value is mirrored to its attribute: keep the highest one seen.
  await page.evaluate(() => {
    const meter = document.querySelector("[data-voice-level]") as HTMLMeterElement;
    const w = window as unknown as { peak: number };
    w.peak = 0;
    new MutationObserver(() => {
      w.peak = Math.max(w.peak, meter.value);
    }).observe(meter, { attributes: true, attributeFilter: ["value"] });
  });
  await waitFor(() => page.evaluate(() => (window as unknown as { peak: number }).peak > 0.05), {
    timeout: 15_000,
    message: "the level meter showing the fake microphone's beeps",
  });
  await waitFor(async () => (await page.locator("[data-voice-time]").textContent()) !== "0:00", {
    timeout: 15_000,
    message: "the recording timer passing 0:01",
  });
}

test("desktop: record, send: Green-API gets an Ogg/Opus .ogg, the bubble is a voice message with its length", async () => {
  const w = await openWatched(browser, app.url, "voice-desktop", DESKTOP);
  const { page, context } = w;
  // Every stream the page opens, to see that it lets go of the microphone.
  await context.addInitScript(() => {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    const w = window as unknown as { streams: MediaStream[] };
    w.streams = [];
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = await open(c);
      w.streams.push(stream);
      return stream;
    };
  });
  const liveTracks = () =>
    page.evaluate(
      () =>
        (window as unknown as { streams: MediaStream[] }).streams.flatMap((s) =>
          s.getTracks().filter((t) => t.readyState === "live"),
        ).length,
    );
  const posts: string[] = [];
  page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/files") && posts.push(r.url()));
  await signIn(page, "anna", PASSWORD);
  await page.goto(chatPath);
  // The microphone gives way to the send button's job while there is text.
  const mic = page.locator(".voice-button");
  expect(await mic.getAttribute("aria-label")).toBe("Record a voice message");
  await page.locator("#composer textarea").fill("typing");
  await mic.waitFor({ state: "hidden" });
  await page.locator("#composer textarea").fill("");
  await mic.waitFor({ state: "visible" });

  await record(page);
  expect(await page.locator("#composer .composer-row").isHidden()).toBe(true);
  await w.shot("recording");
  await page.locator("[data-voice-send]").click();
  await page.locator("[data-voice-bar]").waitFor({ state: "hidden" });

  expect(await liveTracks()).toBe(0);

  const [sent] = await waitFor(() => uploads().length > 0 && uploads(), { timeout: 15_000 });
  expect(sent!.chatId).toBe(CUSTOMER);
  expect(sent!.fileName).toMatch(/^voice-\d{8}-\d{6}-\d{3}\.ogg$/);
  expect(sent!.upload!.name).toBe(sent!.fileName!);
  expect(sent!.upload!.type).toStartWith("audio/ogg");
  const bytes = sent!.upload!.bytes;
  const latin = new TextDecoder("latin1").decode(bytes);
  expect(latin.startsWith("OggS")).toBe(true);
  expect(latin.slice(28, 36)).toBe("OpusHead");
  expect(latin).toContain("OpusTags");
  // The last page ends the stream.
  expect(bytes[latin.lastIndexOf("OggS") + 5]! & 0x04).toBe(4);

  // The bubble: a voice message whose length shows before playing (the stored Ogg, as Chromium reads it).
  const audio = page.locator(".msg audio.media-audio").last();
  await audio.waitFor();
  expect(await audio.getAttribute("aria-label")).toBe("🎤 Voice message");
  const duration = await waitFor(
    () => audio.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) && a.duration > 0 ? a.duration : 0)),
    { timeout: 10_000, message: "the voice message's duration from its metadata" },
  );
  expect(duration).toBeGreaterThan(0.5);
  expect(duration).toBeLessThan(30);
  // One bubble, whether the send's answer or the live event came first.
  expect(await page.locator(".msg audio.media-audio").count()).toBe(1);
  await w.shot("sent");

  // Cancel: the clip is discarded, nothing is posted; a text sent afterwards arrives alone.
  await record(page);
  await page.locator("[data-voice-cancel]").click();
  await page.locator("[data-voice-bar]").waitFor({ state: "hidden" });
  await waitFor(() => page.evaluate(() => document.activeElement?.matches("[data-voice-start]") ?? false));
  expect(await liveTracks()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { streams: MediaStream[] }).streams.length)).toBe(2);
  await page.locator("#composer textarea").fill("After the cancelled one");
  await page.locator(".send-button").click();
  await waitFor(() => fake.control.sentMessages(ID).some((s) => s.text === "After the cancelled one"), 15_000);
  expect(posts.length).toBe(1);
  expect(uploads().length).toBe(1);
  expect(w.problems).toEqual([]);
  await context.close();
}, 90_000);

test("phone, Russian: a blocked microphone, no MediaRecorder, a plain-HTTP page are explained; nothing is sent", async () => {
  const w = await openWatched(browser, app.url, "voice-phone-ru", { ...PHONE, locale: "ru-RU" });
  const { page, context } = w;
  await context.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
  });
  await signIn(page, "boris", PASSWORD);
  await page.goto(chatPath);
  const error = page.locator("[data-voice-error]");
  await page.locator(".voice-button").tap();
  await waitFor(async () => (await error.textContent())?.startsWith("Микрофон для этого сайта запрещён") ?? false);
  expect(await page.locator("[data-voice-bar]").isHidden()).toBe(true);
  expect(await error.getAttribute("role")).toBe("alert");
  await w.shot("denied");

  await page.evaluate(() => {
    delete (window as { MediaRecorder?: unknown }).MediaRecorder;
  });
  await page.locator(".voice-button").tap();
  await waitFor(async () => (await error.textContent())?.startsWith("Этот браузер не умеет записывать звук") ?? false);
  // A page on plain HTTP (not localhost) has no microphone at all: the reason is HTTPS, not the browser.
  await page.evaluate(() => Object.defineProperty(window, "isSecureContext", { value: false }));
  await page.locator(".voice-button").tap();
  await waitFor(
    async () => (await error.textContent())?.startsWith("Браузеры дают доступ к микрофону только") ?? false,
  );
  expect(uploads().length).toBe(1);
  expect(w.problems).toEqual([]);
  await context.close();
}, 60_000);
