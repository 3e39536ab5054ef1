// Benchmark: what a phone downloads for /chats — bytes transferred (headers + encoded bodies, from Chromium's DevTools
// protocol) on a first visit with an empty cache and on a repeat visit (a reload in the same browser context), beside the
// budgets. The app runs as its own process on PostgreSQL with one number taking webhooks and a demo-like inbox (the demo's
// customers and their messages, then more customers until the first page of the list is full).
// Run: ./node_modules/.bin/bun bench/page-weight.ts [--chats 60]   (Chromium: /usr/bin/chromium, CHROMIUM_PATH overrides)
import { parseArgs } from "node:util";
import postgres from "postgres";
import { chromium, type Browser, type CDPSession, type Page } from "playwright-core";
import { CUSTOMERS } from "../scripts/demo/customers.ts";
import { ADMIN, createBenchDatabase, figure, header, spawnApp, spawnFakeGreenApi, waitFor } from "./support.ts";

const { values } = parseArgs({ options: { chats: { type: "string", default: "60" } } });
const CHATS = Number(values.chats);
const FIRST_BUDGET = 60 * 1024;
const REPEAT_BUDGET = 5 * 1024;
const ID_INSTANCE = 1101777001;
const TOKEN = "e".repeat(50);
const WEBHOOK_TOKEN = "bench-page-weight-webhook-token";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

interface Transfer {
  path: string;
  status: number;
  wireStatus?: number;
  encoding: string;
  fromCache: boolean;
  bytes: number;
  finished: boolean;
}

/** Records every request the page starts from now on, with the bytes it has received so far (headers included). */
function recorder(cdp: CDPSession) {
  let transfers = new Map<string, Transfer>();
  cdp.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    // data: URLs (icons inside the CSS) are not transfers.
    if (url.protocol === "http:" || url.protocol === "https:") {
      transfers.set(e.requestId, {
        path: url.pathname + url.search,
        status: 0,
        encoding: "",
        fromCache: false,
        bytes: 0,
        finished: false,
      });
    }
  });
  cdp.on("Network.requestServedFromCache", (e) => {
    const t = transfers.get(e.requestId);
    if (t) t.fromCache = true;
  });
  // The status on the wire: a revalidated copy is reported as its cached 200, its answer was a 304.
  cdp.on("Network.responseReceivedExtraInfo", (e) => {
    const t = transfers.get(e.requestId);
    if (t) t.wireStatus = e.statusCode;
  });
  cdp.on("Network.responseReceived", (e) => {
    const t = transfers.get(e.requestId);
    if (!t) return;
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    t.status = e.response.status;
    t.encoding = headers["content-encoding"] ?? "";
    t.fromCache ||= Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache);
    t.bytes = Math.max(t.bytes, e.response.encodedDataLength);
  });
  cdp.on("Network.dataReceived", (e) => {
    const t = transfers.get(e.requestId);
    if (t) t.bytes += e.encodedDataLength;
  });
  cdp.on("Network.loadingFinished", (e) => {
    const t = transfers.get(e.requestId);
    if (!t) return;
    t.bytes = e.encodedDataLength;
    t.finished = true;
  });
  cdp.on("Network.loadingFailed", (e) => {
    const t = transfers.get(e.requestId);
    if (t) t.finished = true;
  });
  return {
    reset: () => (transfers = new Map()),
    get transfers() {
      return [...transfers.values()];
    },
  };
}

/** Waits until the live stream has said hello and nothing but the stream has been in flight for 500 ms. */
async function settle(rec: ReturnType<typeof recorder>): Promise<void> {
  let quietSince = performance.now();
  await waitFor(
    async () => {
      const busy = rec.transfers.some((t) => !t.finished && t.path !== "/events");
      const live = rec.transfers.some((t) => t.path === "/events" && t.bytes > 0);
      if (busy || !live) quietSince = performance.now();
      return performance.now() - quietSince >= 500;
    },
    30_000,
    "the page to settle",
  );
}

function report(label: string, transfers: Transfer[], budget: number): boolean {
  console.log(`\n${label}: ${transfers.length} requests`);
  for (const t of transfers) {
    const how = t.fromCache
      ? "from cache"
      : t.wireStatus === 304
        ? "304"
        : `${t.status}${t.encoding ? ` ${t.encoding}` : ""}`;
    console.log(
      `    ${t.path.padEnd(52)} ${how.padEnd(14)} ${`${t.bytes} B`.padStart(9)}${t.path === "/events" ? "  (live stream, so far)" : ""}`,
    );
  }
  const total = transfers.reduce((sum, t) => sum + t.bytes, 0);
  const ok = total <= budget;
  figure(`${label}: bytes transferred`, `${(total / 1024).toFixed(1)} KB`, `≤ ${budget / 1024} KB`, ok);
  return ok;
}

/** The demo's customers' texts, then more customers with a few lines each, spread over the last hours. */
function inbox(): { name: string; phone: string; texts: string[] }[] {
  const demo = CUSTOMERS.map((c) => ({
    name: c.name,
    phone: c.phone,
    texts: c.script.flatMap((s) => (s.kind === "text" ? [s.text] : [])),
  }));
  const more = Array.from({ length: Math.max(0, CHATS - demo.length) }, (_, i) => ({
    name: `Customer ${i + 1}`,
    phone: `4477009${String(i).padStart(5, "0")}`,
    texts: ["Hello, is the shop open on Sunday?", "And do you deliver to the city centre?", "Thanks!"].slice(
      0,
      1 + (i % 3),
    ),
  }));
  return [...demo, ...more].slice(0, CHATS);
}

async function seed(url: string, appUrl: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<
      { id: number }[]
    >`insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid)
      values ('Demo Shop', ${ID_INSTANCE}, ${TOKEN}, ${greenApi.url}, ${greenApi.mediaUrl}, 'webhook', ${WEBHOOK_TOKEN}, 'authorized', '14155550101@c.us') returning id`;
    const chats = inbox();
    const now = Math.floor(Date.now() / 1000);
    let sent = 0;
    for (const [i, c] of chats.entries()) {
      for (const [j, text] of c.texts.entries()) {
        const chatId = `${c.phone}@c.us`;
        const res = await fetch(`${appUrl}/webhooks/green-api/${row!.id}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body: JSON.stringify({
            typeWebhook: "incomingMessageReceived",
            instanceData: { idInstance: ID_INSTANCE, wid: "14155550101@c.us", typeInstance: "whatsapp" },
            timestamp: now - (chats.length - i) * 600 + j * 60,
            idMessage: `PW${i}-${j}`,
            senderData: { chatId, chatName: c.name, sender: chatId, senderName: c.name, senderContactName: c.name },
            messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
          }),
        });
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        await res.body?.cancel();
        sent++;
      }
    }
    await waitFor(
      async () => (await sql<{ n: number }[]>`select count(*)::int as n from messages`)[0]!.n >= sent,
      30_000,
      "the messages to be stored",
    );
    console.log(`inbox: ${chats.length} chats, ${sent} messages (webhooks)`);
  } finally {
    await sql.end();
  }
}

async function signedInCookies(browser: Browser, base: string) {
  const context = await browser.newContext({ baseURL: base, ...PHONE });
  const page = await context.newPage();
  await page.goto("/login");
  await page.locator("input[name=username]").fill(ADMIN.username);
  await page.locator("input[name=password]").fill(ADMIN.password);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.locator("form button[type=submit]").click()]);
  const { cookies } = await context.storageState();
  await context.close();
  return cookies;
}

async function visit(page: Page, rec: ReturnType<typeof recorder>, go: () => Promise<unknown>): Promise<Transfer[]> {
  rec.reset();
  await go();
  await page.locator(".chat-row").first().waitFor();
  await settle(rec);
  return rec.transfers;
}

await header("page weight: /chats on a phone (390×844), first and repeat visit");
const bench = await createBenchDatabase("weight");
const greenApi = await spawnFakeGreenApi([{ idInstance: ID_INSTANCE, token: TOKEN }]);
let exitCode = 0;
let browser: Browser | undefined;
const app = await spawnApp({ DATABASE_URL: bench.url, LOG_LEVEL: "warn" });
try {
  await seed(bench.url, app.url);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  console.log(`Chromium ${browser.version()}`);
  // Signed in elsewhere, so the measured context starts with the session cookie and an empty cache.
  const cookies = await signedInCookies(browser, app.url);
  const context = await browser.newContext({ baseURL: app.url, ...PHONE });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const rec = recorder(cdp);
  await cdp.send("Network.enable");

  const first = await visit(page, rec, () => page.goto("/chats"));
  const repeat = await visit(page, rec, () => page.reload());
  const firstOk = report("first visit (empty cache)", first, FIRST_BUDGET);
  const repeatOk = report("repeat visit (reload)", repeat, REPEAT_BUDGET);
  if (!firstOk || !repeatOk) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await browser?.close();
  await app.stop();
  greenApi.stop();
  await bench.drop();
}
process.exit(exitCode);
