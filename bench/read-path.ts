// Benchmark: the read path with 1 000 000 messages in 20 000 chats on PostgreSQL (10 numbers; a few chats hold tens of
// thousands of messages, most a few dozen). Measures server time (in-process around app.fetch, reported back in a
// Server-Timing header by the benchmark's own Bun.serve wrapper) of the chat list, a conversation's first page and an
// older page (keyset), the dashboard and the numbers page (instance cards with counts), for a signed-in admin and for
// a manager restricted to 2 of the 10 numbers; prints the query plans.
// Run: ./node_modules/.bin/bun bench/read-path.ts [--messages 1000000] [--chats 20000] [--requests 300] [--keep]
import { parseArgs } from "node:util";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "../src/db/schema/index.ts";
import { openDatabase, type Database, type Db } from "../src/db/client.ts";
import { parseConfig } from "../src/config.ts";
import { createDeps } from "../src/deps.ts";
import { createApp } from "../src/app.tsx";
import { createLogger } from "../src/lib/log.ts";
import { createBenchDatabase, figure, header, ms, percentile } from "./support.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    chats: { type: "string", default: "20000" },
    requests: { type: "string", default: "300" },
    plans: { type: "boolean", default: true },
  },
});
const MESSAGES = Number(values.messages);
const CHATS = Number(values.chats);
const REQUESTS = Number(values.requests);
const INSTANCES = 10;
const GOAL_MS = 30;

await header(`read path: ${MESSAGES.toLocaleString("en")} messages in ${CHATS.toLocaleString("en")} chats`);
const bench = await createBenchDatabase("read");
const log = createLogger("warn");
let exitCode = 0;
let client: postgres.Sql | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;

try {
  await (await openDatabase({ databaseUrl: bench.url, dataDir: "unused", log })).close(); // migrate

  // Captures the SQL the app sends while `tracing` is set, to EXPLAIN it afterwards.
  let tracing: { query: string; params: unknown[] }[] | null = null;
  client = postgres(bench.url, {
    max: 10,
    onnotice: () => {},
    debug: (_conn, query, params) => {
      if (tracing && /^\s*select/i.test(query)) tracing.push({ query, params: params as unknown[] });
    },
  });
  const database: Database = {
    db: drizzle(client, { schema, casing: "snake_case" }) as unknown as Db,
    kind: "postgres",
    ping: async () => void (await client!`select 1`),
    close: () => client!.end(),
  };
  const sql = client;

  const seedStarted = performance.now();
  await seed(sql);
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const config = parseConfig({ DATABASE_URL: bench.url, LOG_LEVEL: "warn", DEFAULT_LOCALE: "en", PORT: "1" });
  const deps = createDeps(config, database, log);
  const app = createApp(deps);
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req, srv) {
      const started = performance.now();
      const res = await app.fetch(req, srv);
      const body = await res.arrayBuffer(); // rendering finished
      const headers = new Headers(res.headers);
      headers.set("server-timing", `app;dur=${(performance.now() - started).toFixed(3)}`);
      return new Response(body, { status: res.status, headers });
    },
  });
  const base = `http://127.0.0.1:${server.port}`;

  const admin = await deps.users.create({ username: "admin", password: "bench-password", isAdmin: true });
  const manager = await deps.users.create({ username: "manager", password: "bench-password" });
  await sql`insert into user_instances (user_id, instance_id) values (${manager.id}, 1), (${manager.id}, 2)`;
  // Read markers: most chats read up to their newest message, a fifth never opened (capped unread counts).
  for (const u of [admin.id, manager.id]) {
    await sql`insert into chat_reads (user_id, chat_id, last_read_message_id)
      select ${u}, c.id, (select max(m.id) from messages m where m.chat_id = c.id) from chats c where c.id % 5 <> 0`;
  }
  await sql`analyze`;
  const cookie = async (userId: number) =>
    `gi_session=${(await deps.sessions.create(userId, { userAgent: "bench" })).token}`;
  const who = { admin: await cookie(admin.id), manager: await cookie(manager.id) };

  // The biggest chat of instance 1 (visible to both), a median-sized one, and anchors deep inside the big one.
  const [big] = await sql<
    { id: number; n: number }[]
  >`select chat_id as id, count(*)::int as n from messages where instance_id = 1 group by chat_id order by 2 desc limit 1`;
  const [median] = await sql<{ id: number; n: number }[]>`
    select id, n from (select chat_id as id, count(*)::int as n, row_number() over (order by count(*)) as r from messages where instance_id = 1 group by chat_id) x
    where r = (select count(distinct chat_id) / 2 from messages where instance_id = 1)`;
  const anchors = await sql<
    { id: number }[]
  >`select id from messages where chat_id = ${big!.id} order by random() limit ${REQUESTS}`;
  const [sizes] = await sql<{ max: number; p50: number; small: number }[]>`
    select max(n)::int as max, percentile_disc(0.5) within group (order by n)::int as p50, count(*) filter (where n < 20)::int as small
    from (select count(*) as n from messages group by chat_id) x`;

  console.log(
    `seeded in ${seedSeconds.toFixed(0)} s: ${INSTANCES} numbers, chat sizes max ${sizes!.max}, median ${sizes!.p50}, ${sizes!.small} chats under 20 messages`,
  );
  console.log(
    `measured chats: big #${big!.id} (${big!.n} messages), median #${median!.id} (${median!.n} messages); ${REQUESTS} sequential requests each\n`,
  );

  const htmxPane = { "hx-request": "true", "hx-target": "chat-pane" };
  const cases: {
    label: string;
    user: keyof typeof who;
    path: (i: number) => string;
    headers?: Record<string, string>;
  }[] = [
    { label: "chat list /chats (whole page)", user: "admin", path: () => "/chats" },
    { label: "chat list /chats (whole page)", user: "manager", path: () => "/chats" },
    { label: "chat list next page (keyset cursor)", user: "admin", path: () => "" },
    {
      label: "conversation first page, big chat (htmx pane)",
      user: "admin",
      path: () => `/instances/1/chats/${big!.id}`,
      headers: htmxPane,
    },
    {
      label: "conversation first page, big chat (htmx pane)",
      user: "manager",
      path: () => `/instances/1/chats/${big!.id}`,
      headers: htmxPane,
    },
    {
      label: "conversation first page, median chat",
      user: "admin",
      path: () => `/instances/1/chats/${median!.id}`,
      headers: htmxPane,
    },
    { label: "conversation whole page (list + chat)", user: "manager", path: () => `/instances/1/chats/${big!.id}` },
    {
      label: "older page (keyset, random anchor in big chat)",
      user: "admin",
      path: (i) => `/instances/1/chats/${big!.id}/messages?before=${anchors[i % anchors.length]!.id}`,
    },
    {
      label: "older page (keyset, random anchor in big chat)",
      user: "manager",
      path: (i) => `/instances/1/chats/${big!.id}/messages?before=${anchors[i % anchors.length]!.id}`,
    },
    { label: "dashboard / (number cards, counts snapshot)", user: "admin", path: () => "/" },
    { label: "dashboard / (number cards, counts snapshot)", user: "manager", path: () => "/" },
    { label: "numbers /instances (cards, counts snapshot)", user: "admin", path: () => "/instances" },
    { label: "numbers /instances (cards, counts snapshot)", user: "manager", path: () => "/instances" },
  ];
  // The chat list's second page: the cursor from the first page's "more" link.
  const firstList = await (await fetch(`${base}/chats`, { headers: { cookie: who.admin } })).text();
  const cursor = /before=([0-9]+_[0-9]+)/.exec(firstList)?.[1];
  cases[2]!.path = () => `/chats?before=${cursor}`;

  const get = async (path: string, user: keyof typeof who, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers: { cookie: who[user], ...headers } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} as ${user}: ${res.status} ${text.slice(0, 200)}`);
    return { server: Number(/dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1]), bytes: text.length };
  };

  // The cards' chat and message counts are a per-process snapshot (src/instances/counts.ts, COUNTS_TTL_MS): the first
  // page that shows them computes it (one grouped pass over chats and messages), later ones read it.
  const cold = await get("/", "admin");
  console.log(`dashboard / first request (computes the counts snapshot): ${ms(cold.server)}\n`);

  console.log(
    `${"".padEnd(50)} ${"user".padEnd(8)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)}  ${"KB".padStart(5)}   goal p99 < ${GOAL_MS} ms`,
  );
  for (const c of cases) {
    for (let i = 0; i < 20; i++) await get(c.path(i), c.user, c.headers); // warm-up
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const r = await get(c.path(i), c.user, c.headers);
      times.push(r.server);
      bytes = r.bytes;
    }
    const p99 = percentile(times, 99);
    if (p99 >= GOAL_MS) exitCode = 1;
    console.log(
      `  ${c.label.padEnd(50)} ${c.user.padEnd(8)} ${ms(percentile(times, 50)).padStart(9)} ${ms(p99).padStart(9)} ${ms(Math.max(...times)).padStart(9)}  ${(bytes / 1024).toFixed(0).padStart(5)}   ${p99 < GOAL_MS ? "✓" : "✗ MISSED"}`,
    );
  }

  if (values.plans) {
    console.log(
      "\nquery plans (EXPLAIN ANALYZE of the SQL the app sent for one request of each kind; planning lines omitted)",
    );
    for (const [label, path, user, headers] of [
      ["chat list (admin)", "/chats", "admin", {}],
      ["chat list (manager)", "/chats", "manager", {}],
      ["dashboard (admin)", "/", "admin", {}],
      ["conversation first page (admin, big chat)", `/instances/1/chats/${big!.id}`, "admin", htmxPane],
      ["older page (admin, big chat)", `/instances/1/chats/${big!.id}/messages?before=${anchors[0]!.id}`, "admin", {}],
    ] as const) {
      tracing = [];
      await get(path, user, headers);
      const queries = tracing;
      tracing = null;
      console.log(`\n--- ${label}: ${path} (${queries.length} SELECTs)`);
      for (const q of queries) {
        const plan = (await sql.unsafe(`explain (analyze, costs off, timing on) ${q.query}`, q.params as never[])).map(
          (r) => String((r as Record<string, unknown>)["QUERY PLAN"]),
        );
        const total = plan.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
        const head = q.query.replace(/\s+/g, " ");
        console.log(`  > [${total}] ${head.slice(0, 150)}${head.length > 150 ? "…" : ""}`);
        // Sessions, users and settings lookups are primary-key reads: their plans are left out.
        if (!/from "(messages|chats)"|from messages|from chats/.test(q.query)) continue;
        for (const line of plan) if (!/^(Planning|Execution)/.test(line)) console.log(`      ${line}`);
      }
    }
  }
  figure("\nall read-path p99 under the goal", exitCode === 0 ? "yes" : "no", `< ${GOAL_MS} ms`, exitCode === 0);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  server?.stop(true);
  await client?.end({ timeout: 2 }).catch(() => {});
  await bench.drop();
}
process.exit(exitCode);

/** 10 numbers, CHATS chats spread over them, MESSAGES messages with a skewed chat size (chat k gets ~ k^-2/3 of them). */
async function seed(sql: postgres.Sql): Promise<void> {
  const t0 = performance.now();
  await sql`insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid)
    select 'Number ' || g, 1101900000 + g, repeat('a', 50), 'http://127.0.0.1:1', 'http://127.0.0.1:1', 'webhook', repeat('w', 24), 'authorized', '7999000000' || g || '@c.us'
    from generate_series(1, ${INSTANCES}) g`;
  await sql`insert into chats (instance_id, wa_chat_id, name)
    select 1 + (g - 1) % ${INSTANCES}, (79000000000 + g)::text || '@c.us', 'Customer ' || g from generate_series(1, ${CHATS}) g`;
  // Bulk load without the full-text index, then build it once (as a restore would).
  await sql`drop index messages_search_idx`;
  const words = [
    "hello",
    "price",
    "delivery",
    "order",
    "thanks",
    "tomorrow",
    "invoice",
    "address",
    "please",
    "photo",
    "size",
    "color",
    "payment",
    "today",
    "ok",
  ];
  const batch = 250_000;
  for (let from = 1; from <= MESSAGES; from += batch) {
    const to = Math.min(MESSAGES, from + batch - 1);
    await sql`insert into messages (instance_id, chat_id, id_message, direction, type, text, via, status, sent_at, created_at, updated_at)
      select 1 + (c - 1) % ${INSTANCES}, c, 'SEED' || g, d, 'textMessage',
             (${sql.array(words)}::text[])[1 + (g * 7) % 15] || ' ' || (${sql.array(words)}::text[])[1 + (g * 13) % 15] || ' #' || g,
             case d when 'in' then 'whatsapp' else 'web' end, case d when 'in' then null else 'read' end,
             now() - (${MESSAGES} - g) * interval '30 seconds', now(), now()
      from (select g, 1 + floor(${CHATS} * power(random(), 3))::int as c, case when random() < 0.55 then 'in' else 'out' end as d
            from generate_series(${from}::int, ${to}::int) g) s`;
  }
  await sql`create index messages_search_idx on messages using gin (search_vector)`;
  await sql`update chats c set last_message_at = l.sent_at, last_message_preview = l.text
    from (select distinct on (chat_id) chat_id, sent_at, text from messages order by chat_id, sent_at desc, id desc) l where l.chat_id = c.id`;
  await sql`vacuum analyze messages`.catch(() => sql`analyze messages`);
  await sql`analyze`;
  console.log(`seed: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
