// Benchmark: webhook ingest against the physical limit of this machine.
//  (a) a bare Bun.serve handler doing one INSERT per request into the same PostgreSQL (bench/bare-server.ts);
//  (b) the real app (`bun src/main.ts serve`, normal configuration) on POST /webhooks/green-api/:id with a valid token:
//      validate, dedupe (journal), store chat + message, emit events, queue the Telegram post (a channel is linked).
// Both are driven by the same load generator (this process: concurrent keep-alive fetches). Prints max rates, their ratio,
// p50/p99 latency at an open-loop 500 webhooks/s, and a 5 000-webhook burst that must be stored completely (issue #4).
// Both sides get the same warm-up (WARM_UP requests: the JIT compiles the hot paths), the same number of measured
// requests, so the rates compare steady states, and the same two closed-loop runs (one early, one late: the machine's
// other load varies), of which the better counts.
// Run: ./node_modules/.bin/bun bench/ingest.ts [--requests 20000] [--concurrency 64] [--seconds 10]
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startFakeTelegram } from "../test/fakes/telegram/index.ts";
import {
  BUN,
  closedLoop,
  cpuSecondsOf,
  createBenchDatabase,
  figure,
  firstLine,
  header,
  incomingText,
  ms,
  openLoop,
  percentile,
  postgresCpuSeconds,
  spawnApp,
  spawnFakeGreenApi,
  waitFor,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const RATE = 500;
const BURST = 5000;
const ID_INSTANCE = 1101777001;
const API_TOKEN = "b".repeat(50);
const WEBHOOK_TOKEN = "bench-webhook-token-0123456789";
const CUSTOMERS = 500;
const WARM_UP = 2000;

await header("ingest: webhook path vs. one INSERT per request");
const database = await createBenchDatabase("ingest");
const sql = postgres(database.url, { max: 2, onnotice: () => {} });
const cleanup: Array<() => unknown> = [];
let exitCode = 0;

try {
  // (a) The physical limit.
  const bare = Bun.spawn([BUN, "bench/bare-server.ts", database.url], { stdout: "pipe", stderr: "inherit" });
  cleanup.push(() => bare.kill());
  const { url: bareUrl } = JSON.parse(await firstLine(bare.stdout)) as { url: string };
  const bareBody = (i: number, tag: string) =>
    JSON.stringify(incomingText(ID_INSTANCE, `BARE${tag}${i}`, i % CUSTOMERS, `hello ${i}`));
  await closedLoop(WARM_UP, CONCURRENCY, (i) => fetch(bareUrl, { method: "POST", body: bareBody(i, "W") }));
  // CPU per request: the handler's process, PostgreSQL and this load generator (all on the same cores).
  const cpuBefore = () => ({ pg: postgresCpuSeconds(), gen: process.cpuUsage() });
  /** Seconds of CPU per request: the server process, PostgreSQL, this generator (and their sum). */
  const cpuPerRequest = (pid: number, before: { server: number; pg: number; gen: NodeJS.CpuUsage }, n: number) => {
    const gen = process.cpuUsage(before.gen);
    const parts = [
      cpuSecondsOf(pid) - before.server,
      postgresCpuSeconds() - before.pg,
      (gen.user + gen.system) / 1e6,
    ].map((s) => s / n);
    return {
      parts,
      total: parts.reduce((a, b) => a + b, 0),
      text: parts.map((s) => `${(s * 1e6).toFixed(0)} µs`).join(" / "),
    };
  };
  // The bare handler is measured before and after the app (the machine's other load varies): the better run counts.
  const measureBare = async (tag: string) => {
    const before = { server: cpuSecondsOf(bare.pid), ...cpuBefore() };
    const run = await closedLoop(REQUESTS, CONCURRENCY, (i) =>
      fetch(bareUrl, { method: "POST", body: bareBody(i, tag) }),
    );
    return { ...run, cpu: cpuPerRequest(bare.pid, before, REQUESTS) };
  };
  const bareFirst = await measureBare("M");
  const bareOpen = await openLoop(RATE, SECONDS, (i) => fetch(bareUrl, { method: "POST", body: bareBody(i, "O") }));

  // (b) The real app, with the fake Green-API behind the instance and a Telegram channel linked through the fake Bot API.
  const greenApi = await spawnFakeGreenApi([{ idInstance: ID_INSTANCE, token: API_TOKEN }]);
  cleanup.push(() => greenApi.stop());
  const telegram = startFakeTelegram();
  cleanup.push(() => telegram.stop());
  const channel = telegram.control.createChat({ type: "channel", title: "Bench feed" });
  telegram.control.addBot(channel);
  const app = await spawnApp({
    DATABASE_URL: database.url,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
  });
  cleanup.push(() => app.stop());
  const [instance] = await sql<{ id: number }[]>`
    insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid, telegram_chat_id)
    values ('Bench', ${ID_INSTANCE}, ${API_TOKEN}, ${greenApi.url}, ${greenApi.mediaUrl}, 'webhook', ${WEBHOOK_TOKEN}, 'authorized', '79990000000@c.us', ${channel})
    returning id`;
  const hook = `${app.url}/webhooks/green-api/${instance!.id}`;
  const post = (i: number, tag: string) =>
    fetch(hook, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(incomingText(ID_INSTANCE, `APP${tag}${i}`, i % CUSTOMERS, `hello ${i}`)),
    });
  const stored = async (tag: string) => {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from messages where id_message like ${`APP${tag}%`}`;
    return row!.n;
  };
  // Cheap to ask every 20 ms (the partial index): a notification is marked processed in its message's transaction.
  const unprocessed = async () =>
    (await sql<{ n: number }[]>`select count(*)::int as n from notifications where processed_at is null`)[0]!.n;
  const queuedPosts = async () => (await sql<{ n: number }[]>`select count(*)::int as n from telegram_posts`)[0]!.n;
  const commits = async () =>
    Number(
      (
        await sql<
          { n: string }[]
        >`select xact_commit::text as n from pg_stat_database where datname = current_database()`
      )[0]!.n,
    );

  // Waits for processing allow 10 messages/s at least (the processing rate is one of the results).
  const patience = (n: number) => Math.max(120_000, n * 100);
  await closedLoop(WARM_UP, CONCURRENCY, (i) => post(i, "W"));
  await waitFor(async () => (await stored("W")) === WARM_UP, patience(WARM_UP), "warm-up messages");
  const postsBefore = await queuedPosts();
  /** The closed loop until every message is stored: answered and processed rates, CPU and commits per webhook. */
  const measureApp = async (tag: string) => {
    const commits0 = await commits();
    const posts0 = await queuedPosts();
    const cpu0 = { server: cpuSecondsOf(app.pid), ...cpuBefore() };
    const run = await closedLoop(REQUESTS, CONCURRENCY, (i) => post(i, tag));
    const processedMs =
      run.seconds * 1000 +
      (await waitFor(async () => (await unprocessed()) === 0, patience(REQUESTS), "all notifications processed"));
    const cpu = cpuPerRequest(app.pid, cpu0, REQUESTS);
    const storedCount = await stored(tag);
    await waitFor(async () => (await queuedPosts()) - posts0 >= REQUESTS, patience(REQUESTS), "Telegram posts queued");
    const commitsPerWebhook = ((await commits()) - commits0) / REQUESTS;
    return { ...run, processed: REQUESTS / (processedMs / 1000), storedCount, cpu, commitsPerWebhook };
  };
  const appFirst = await measureApp("M");

  const appOpen = await openLoop(RATE, SECONDS, (i) => post(i, "O"));
  await waitFor(
    async () => (await stored("O")) === RATE * SECONDS,
    patience(RATE * SECONDS),
    "open-loop messages stored",
  );
  // Webhook answered (journaled) → message row committed, from the rows' own timestamps.
  const [lag] = await sql<{ p50: number; p99: number }[]>`
    select percentile_cont(0.5) within group (order by d) as p50, percentile_cont(0.99) within group (order by d) as p99
    from (select extract(epoch from m.created_at - n.received_at) * 1000 as d
          from messages m join notifications n on n.dedupe_key = 'incomingMessageReceived:' || (m.raw->'senderData'->>'chatId') || ':' || m.id_message
          where m.id_message like 'APPO%') x`.catch(() => [{ p50: NaN, p99: NaN }]);

  // Issue #4: a burst of 5 000 webhooks, all fired at once (the generator keeps up to 256 in flight), all stored.
  let burstFailed = 0;
  const burstStarted = performance.now();
  await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      post(i, "B").then(
        async (r) => {
          if (r.status !== 200) burstFailed++;
          await r.arrayBuffer();
        },
        () => burstFailed++,
      ),
    ),
  );
  const burstAckMs = performance.now() - burstStarted;
  await waitFor(async () => (await stored("B")) === BURST, patience(BURST), "burst stored").catch(() => 0);
  const burstStoredMs = performance.now() - burstStarted;
  const burstStored = await stored("B");

  // The app is measured twice too, around the other runs (as the bare handler is): the better run counts.
  const appSecond = await measureApp("N");
  const appMax = appFirst.processed >= appSecond.processed ? appFirst : appSecond;
  const bareSecond = await measureBare("N");
  bare.kill();
  await bare.exited;
  const bareMax = bareFirst.rate >= bareSecond.rate ? bareFirst : bareSecond;
  const ratio = appMax.processed / bareMax.rate;
  const cpuRatio = bareMax.cpu.total / appMax.cpu.total;
  const p99 = percentile(appOpen.latencies, 99);
  console.log(
    `load generator: this process, ${CONCURRENCY} concurrent keep-alive fetches (closed loop, ${WARM_UP} warm-up + ${REQUESTS} measured requests each); open loop ${RATE}/s for ${SECONDS} s`,
  );
  console.log("(a) bare handler, one INSERT per request");
  figure("max rate (better of a run before and after the app's)", `${bareMax.rate.toFixed(0)} req/s`, "", undefined);
  figure("max rate, run before / after", `${bareFirst.rate.toFixed(0)} / ${bareSecond.rate.toFixed(0)} req/s`);
  figure(
    `p50 / p99 latency at ${RATE}/s`,
    `${ms(percentile(bareOpen.latencies, 50))} / ${ms(percentile(bareOpen.latencies, 99))}`,
  );
  figure("CPU per request: server / PostgreSQL / generator", bareMax.cpu.text);
  console.log("(b) real webhook path (journal, chat + message, events, Telegram post queued)");
  figure("max rate, answered 200 (journaled), better run", `${appMax.rate.toFixed(0)} req/s`, "", undefined);
  figure(
    "max rate, fully processed (message stored), better run",
    `${appMax.processed.toFixed(0)} msg/s`,
    "",
    undefined,
  );
  figure(
    "fully processed, run before / after",
    `${appFirst.processed.toFixed(0)} / ${appSecond.processed.toFixed(0)} msg/s`,
  );
  figure(
    "messages stored per closed-loop run",
    `${appFirst.storedCount} / ${appSecond.storedCount}`,
    `${REQUESTS}`,
    appFirst.storedCount === REQUESTS && appSecond.storedCount === REQUESTS,
  );
  figure("ratio processed / bare", ratio.toFixed(2), "≥ 0.5", ratio >= 0.5);
  figure("ratio answered / bare", (appMax.rate / bareMax.rate).toFixed(2));
  figure("commits per webhook (all processes, bare: 1)", appMax.commitsPerWebhook.toFixed(2));
  figure("CPU per webhook until stored: app / PostgreSQL / generator", appMax.cpu.text);
  figure("CPU ratio: bare per request / app per webhook", cpuRatio.toFixed(2));
  figure(`p50 latency at ${RATE}/s (open loop)`, ms(percentile(appOpen.latencies, 50)));
  figure(`p99 latency at ${RATE}/s (open loop)`, ms(p99), "< 50 ms", p99 < 50);
  figure(`answered → stored p50 / p99 at ${RATE}/s`, `${ms(lag!.p50)} / ${ms(lag!.p99)}`);
  figure(
    "non-200 answers (max / open loop)",
    `${appFirst.failed + appSecond.failed} / ${appOpen.failed}`,
    "0",
    appFirst.failed + appSecond.failed + appOpen.failed === 0,
  );
  figure("generator lag behind schedule (max)", ms(appOpen.lateMs));
  console.log(`burst of ${BURST} webhooks (issue #4)`);
  figure("answered 200", `${BURST - burstFailed}`, `${BURST}`, burstFailed === 0);
  figure("messages stored (count in DB)", `${burstStored}`, `${BURST}`, burstStored === BURST);
  figure(
    "all answered / all stored after",
    `${(burstAckMs / 1000).toFixed(2)} s / ${(burstStoredMs / 1000).toFixed(2)} s`,
  );
  const postsQueued = (await queuedPosts()) - postsBefore;
  const messagesSent = 2 * REQUESTS + RATE * SECONDS + BURST;
  figure(
    "Telegram posts queued (all runs after the warm-up)",
    `${postsQueued}`,
    `${messagesSent} (one per message)`,
    postsQueued === messagesSent,
  );
  figure("app RSS after the runs", `${(app.rssKb() / 1024).toFixed(0)} MB`);
  if (burstStored !== BURST || burstFailed > 0 || ratio < 0.5 || p99 >= 50 || appMax.storedCount !== REQUESTS)
    exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const stop of cleanup.reverse()) await Promise.resolve(stop()).catch(() => {});
  await sql.end();
  await database.drop();
}
process.exit(exitCode);
