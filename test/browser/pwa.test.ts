// Browser, on a phone (390×844): the app is installable (a valid manifest, a service worker that becomes active), a
// device turns notifications on in Settings and a customer message then reaches the fake push service for it, and a
// page opened while the server is unreachable shows the offline page. Chromium's own push service is outside the test:
// PushManager hands out a subscription of the fake push service instead (the page's code runs unchanged).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { ARTIFACTS, launchChromium, openWatched, PHONE, signIn } from "./watch.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";
import { type FakePush, startFakePush } from "../fakes/push/index.ts";

let app: TestApp;
let fake: FakePush;
let browser: Browser;
let stopped = false;
let instanceId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  fake = startFakePush();
  app = await startTestApp();
  const anna = await app.deps.users.create({ username: "anna", displayName: "Anna", password: "anna-password" });
  instanceId = await insertInstance(app.deps.db, "Sales");
  await grant(app.deps.db, anna.id, instanceId);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (!stopped) await app?.stop();
  await fake?.stop();
}, 20_000);

test("phone: the inbox offers installation when the browser can install, and 'Not now' keeps it away", async () => {
  const w = await openWatched(browser, app.url, "pwa-install", PHONE);
  const { page, context } = w;
  await signIn(page, "anna", "anna-password");
  await page.goto("/chats");
  const banner = page.locator("#install");
  expect(await banner.isHidden()).toBe(true);
  // What Chrome does once the app is installable (headless Chromium never decides so by itself).
  const fireInstallable = () =>
    page.evaluate(() => {
      const event = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt(): Promise<void> };
      event.prompt = async () => {
        (window as unknown as { prompted: number }).prompted = 1;
      };
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  expect(await fireInstallable()).toBe(true);
  await banner.waitFor({ state: "visible" });
  expect(await banner.locator("strong").textContent()).toBe("Install GreenInbox");
  await w.shot("install-banner");
  await banner.locator("[data-install-accept]").click();
  await waitFor(() => page.evaluate(() => (window as unknown as { prompted?: number }).prompted === 1));
  expect(await banner.isHidden()).toBe(true);

  // Offered again on another visit; "Not now" hides it, and it stays hidden on the next page load.
  await page.reload();
  await fireInstallable();
  await banner.waitFor({ state: "visible" });
  await banner.locator("[data-install-dismiss]").click();
  expect(await banner.isHidden()).toBe(true);
  await page.reload();
  await fireInstallable();
  await page.locator("#install[hidden]").waitFor({ state: "attached" });
  expect(await banner.isHidden()).toBe(true);
  expect(w.problems).toEqual([]);
  await context.close();
}, 60_000);

test("phone: installable, notifications on for this device, a push for a customer message, offline page", async () => {
  const w = await openWatched(browser, app.url, "pwa-phone", { ...PHONE, serviceWorkers: "allow" });
  const { page, context } = w;
  await context.grantPermissions(["notifications"], { origin: app.url });
  const sub = fake.subscribe();
  await context.addInitScript((s: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
    const stored = () => sessionStorage.getItem("fake-push") === "on";
    const subscription = (options: unknown) => ({
      endpoint: s.endpoint,
      options,
      toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }),
      unsubscribe: async () => {
        sessionStorage.removeItem("fake-push");
        return true;
      },
    });
    let key: unknown = null;
    PushManager.prototype.subscribe = async (options: PushSubscriptionOptionsInit) => {
      sessionStorage.setItem("fake-push", "on");
      key = options.applicationServerKey;
      return subscription({ applicationServerKey: key }) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () =>
      (stored() ? subscription({ applicationServerKey: key }) : null) as unknown as PushSubscription;
  }, sub);

  await signIn(page, "anna", "anna-password");
  // The manifest: linked, valid, its icons there.
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = await page.evaluate(async (url) => (await fetch(url!)).json(), href);
  expect(manifest).toMatchObject({ name: "GreenInbox", display: "standalone", start_url: "/chats", scope: "/" });
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(manifest.icons.some((i: { purpose: string }) => i.purpose === "maskable")).toBe(true);
  expect(await page.locator('meta[name="theme-color"][media*="light"]').getAttribute("content")).toBe(
    manifest.theme_color,
  );
  // The service worker becomes active for the whole app.
  const active = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return { state: registration.active?.state, scope: registration.scope };
  });
  expect(active).toEqual({ state: "activated", scope: `${app.url}/` });

  // Settings: turn notifications on for this device.
  await page.goto("/settings");
  const section = page.locator("#push");
  await section.locator("[data-push-enable]").waitFor({ state: "visible" });
  await expect(section.locator("[data-push-status]").textContent()).resolves.toBe("This device gets no notifications.");
  await section.locator("[data-push-enable]").click();
  await section.locator("[data-push-disable]").waitFor({ state: "visible" });
  expect(await section.locator("[data-push-status]").textContent()).toBe("This device gets notifications.");
  const [row] = await waitFor(async () => {
    const devices = await app.deps.push.devices((await app.deps.users.findByUsername("anna"))!.id);
    return devices.length === 1 && devices;
  });
  expect(row!.endpoint).toBe(sub.endpoint);
  await w.shot("settings-push-on");

  // A customer writes: one push reaches the fake push service for this device.
  const row0 = (await app.deps.instances.getRow(instanceId))!;
  const body = {
    ...REFERENCE_ENVELOPE,
    instanceData: { idInstance: row0.idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage: "PWA1",
    senderData: {
      chatId: "79001112233@c.us",
      chatName: "Carol",
      sender: "79001112233@c.us",
      senderName: "Carol",
      senderContactName: "",
    },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: "Hi there" } },
  };
  expect((await app.deps.intake.accept(row0.id, row0.idInstance, body, "webhook")).ok).toBe(true);
  const [push] = await waitFor(() => fake.received(sub.id).length > 0 && fake.received(sub.id));
  expect(push!.payload).toMatchObject({ title: "Carol", body: "New message" });

  // The test button sends one more.
  await section.locator("[data-push-test] button").click();
  await waitFor(() => fake.received(sub.id).length === 2);

  // The server goes away: a page opened now is the offline page, from the worker's cache.
  await app.stop();
  stopped = true;
  await page.goto("/chats").catch(() => {});
  await page.locator("h1", { hasText: "You are offline" }).waitFor();
  expect(await page.locator("[lang=ru] h1").textContent()).toBe("Нет соединения");
  await w.shot("offline");
  // The page that was open lost its server (its live connection and htmx say so): provoked on purpose.
  w.forgive(/ERR_CONNECTION_REFUSED|Failed to load resource|net::|htmx:(afterRequest|sendError)|\[object Event\]/);
  expect(w.problems).toEqual([]);
  await context.close();
}, 60_000);
