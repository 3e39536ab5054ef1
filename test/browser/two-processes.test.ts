// Browser + two app processes on one PostgreSQL: a message ingested through process A appears live in a browser
// connected to process B (events cross processes through LISTEN/NOTIFY).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { ADMIN, incoming, postWebhook, startCluster, type App, type Cluster } from "../resilience/support.ts";
import { ARTIFACTS, DESKTOP, launchChromium, openWatched, signIn, type Watched } from "./watch.ts";

let cluster: Cluster;
let a: App;
let b: App;
let browser: Browser;
let onB: Watched;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await startCluster({ intakeMode: "webhook" });
  a = await cluster.spawn();
  b = await cluster.spawn();
  browser = await launchChromium();
  onB = await openWatched(browser, b.url, "two-processes", DESKTOP);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
}, 30_000);

test("a customer message posted to process A shows up, without reload, in the chat list served by process B", async () => {
  expect(a.port).not.toBe(b.port);
  const page = onB.page;
  await signIn(page, ADMIN.username, ADMIN.password);
  // The page's live stream (to process B) is open once its /events request has been answered.
  await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === "/events"), page.goto("/chats")]);
  const marker = `cross-process ${Date.now()}`;
  const navigations: string[] = [];
  page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
  expect(await postWebhook(a, cluster.instanceId, incoming(`X${Date.now()}`, marker))).toBe(200);
  await page.getByText(marker).first().waitFor({ timeout: 10_000 });
  expect(navigations).toEqual([]);
  await onB.shot("01-arrived-live");
  expect(onB.problems).toEqual([]);
});
