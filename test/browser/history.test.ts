// Browser end-to-end: a manager starts the history import of a number and watches the progress bar fill over SSE
// (no reload) until it reports the messages imported; on a phone the panel fits the screen.
// Limits are scaled ×10 on the fake and the app's rate limiter alike (test/http/history-import.test.ts explains why).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { ARTIFACTS, PHONE, horizontalOverflow, launchChromium, openWatched, type Watched } from "./watch.ts";

const ID = 1101777001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef77";
const PASSWORD = "correct-horse-battery";
const RATE_SCALE = 10;
const CHATS = 60;

let fake: FakeGreenApi;
let app: TestApp;
let browser: Browser;
let watched: Watched;
let instanceId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  fake = startFakeGreenApi({ webhookDelivery: false, rateScale: RATE_SCALE, timings: { startingMs: 40 } });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  fake.control.seedHistory(ID, { chats: CHATS, messagesPerChat: 3 });
  app = await startTestApp({}, undefined, { greenApiRateScale: RATE_SCALE });
  const row = await insertFakeInstance(app.deps.db, fake, {
    name: "Sales",
    idInstance: ID,
    apiToken: TOKEN,
    wid: "79001777001@c.us",
  });
  instanceId = row.id;
  await app.deps.users.create({ username: "anna", displayName: "Anna", password: PASSWORD, isAdmin: true });
  app.deps.historyRunner.start();
  browser = await launchChromium();
  watched = await openWatched(browser, app.url, "history-phone", PHONE);
  const { page } = watched;
  await page.goto("/login");
  await page.getByLabel("Username").fill("anna");
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}, 60_000);

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await app?.deps.historyRunner.stop();
  await app?.stop();
  await fake?.stop();
}, 20_000);

test("start, live progress to 100 %, the outcome; no reload", async () => {
  const { page } = watched;
  await page.goto(`/instances/${instanceId}`);
  const panel = page.locator(`#instance-${instanceId}-history`);
  await panel.getByRole("button", { name: "Import history" }).waitFor();
  expect(await panel.getByRole("heading", { name: "History import" }).isVisible()).toBe(true);
  await watched.shot("01-before");

  // From here on the page must not reload: the button swaps the panel, every change after arrives over SSE.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await panel.getByRole("button", { name: "Import history" }).click();

  const bar = panel.locator(`progress[max="${CHATS}"]`);
  await bar.waitFor({ timeout: 20_000 });
  expect(await panel.getByRole("button", { name: "Cancel import" }).isVisible()).toBe(true);
  await page.waitForFunction(
    (max) => {
      const p = document.querySelector(`progress[max="${max}"]`) as HTMLProgressElement | null;
      return p !== null && p.value > 0 && p.value < max;
    },
    CHATS,
    { timeout: 20_000 },
  );
  expect(await panel.textContent()).toMatch(new RegExp(`\\d+ of ${CHATS} chats`));
  await watched.shot("02-running");

  await page.locator(`#instance-${instanceId}-history[data-status="done"]`).waitFor({ timeout: 60_000 });
  expect(await panel.locator("progress").getAttribute("data-percent")).toBe("100");
  expect(await panel.getByRole("status").textContent()).toBe(
    `Done: ${CHATS * 3} messages imported from ${CHATS} chats.`,
  );
  expect(await panel.getByRole("button", { name: "Import again" }).isVisible()).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await watched.shot("03-done");
  expect(fake.control.violations(ID)).toBe(0);
  expect(watched.problems).toEqual([]);
}, 90_000);
