// Benchmark: live fan-out. 2 000 SSE clients (raw keep-alive TCP connections to GET /events) of 200 managers: half may see
// the number the message arrives on, half may not. A message arrives through the webhook; measured: time from posting the
// webhook until the last allowed client has the message's bubble, p50/p99 over several messages; clients without access
// must receive nothing. The app runs as its own process (`bun src/main.ts serve`) on PostgreSQL.
// Run: ./node_modules/.bin/bun bench/sse-fanout.ts [--clients 2000] [--messages 15] [--gap 3000] [--close 10]
import { parseArgs } from "node:util";
import { execSync } from "node:child_process";
import postgres from "postgres";
import { createSessionService } from "../src/auth/sessions.ts";
import { openDatabase } from "../src/db/client.ts";
import { createLogger } from "../src/lib/log.ts";
import {
  createBenchDatabase,
  figure,
  header,
  incomingText,
  ms,
  percentile,
  spawnApp,
  spawnFakeGreenApi,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "2000" },
    messages: { type: "string", default: "15" },
    gap: { type: "string", default: "3000" },
    close: { type: "string", default: "10" },
  },
});
const CLIENTS = Number(values.clients);
const MESSAGES = Number(values.messages);
const WARM_UP = 2;
const GAP_MS = Number(values.gap);
const CLOSE = Number(values.close);
const USERS = 200;
const PER_USER = Math.ceil(CLIENTS / USERS);
const ID = { allowed: 1101888001, other: 1101888002 };
const TOKEN = "c".repeat(50);
const WEBHOOK_TOKEN = "bench-sse-webhook-token-012345";
const GOAL_MS = 100;

await header(`SSE fan-out: ${CLIENTS} clients, ${USERS} users (half allowed)`);
const fds = Number(execSync("ulimit -n", { shell: "/bin/bash" }).toString().trim());
if (fds < CLIENTS * 2 + 200)
  console.log(`warning: ulimit -n is ${fds}; raise it (ulimit -n 20000) for ${CLIENTS} clients`);

const bench = await createBenchDatabase("sse");
const sql = postgres(bench.url, { max: 2, onnotice: () => {} });
const cleanup: Array<() => unknown> = [];
let exitCode = 0;

interface Client {
  allowed: boolean;
  socket?: Bun.Socket<undefined>;
  tail: string;
  ready: boolean;
  afterReady: string;
  seen: Map<string, number>;
}

try {
  const greenApi = await spawnFakeGreenApi([
    { idInstance: ID.allowed, token: TOKEN },
    { idInstance: ID.other, token: TOKEN },
  ]);
  cleanup.push(() => greenApi.stop());
  const app = await spawnApp({ DATABASE_URL: bench.url });
  cleanup.push(() => app.stop());
  const [a, b] = await sql<{ id: number }[]>`
    insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid)
    values ('Allowed', ${ID.allowed}, ${TOKEN}, ${greenApi.url}, ${greenApi.mediaUrl}, 'webhook', ${WEBHOOK_TOKEN}, 'authorized', '79990000001@c.us'),
           ('Other', ${ID.other}, ${TOKEN}, ${greenApi.url}, ${greenApi.mediaUrl}, 'webhook', ${WEBHOOK_TOKEN}, 'authorized', '79990000002@c.us')
    returning id`;
  const users = await sql<{ id: number }[]>`
    insert into users (username, display_name) select 'm' || g, 'Manager ' || g from generate_series(1, ${USERS}) g returning id`;
  const allowedUsers = new Set(users.filter((_, i) => i % 2 === 0).map((u) => u.id));
  for (const u of users)
    await sql`insert into user_instances (user_id, instance_id) values (${u.id}, ${allowedUsers.has(u.id) ? a!.id : b!.id})`;

  const database = await openDatabase({
    databaseUrl: bench.url,
    dataDir: "unused",
    log: createLogger("silent"),
    migrate: false,
  });
  cleanup.push(() => database.close());
  const sessions = createSessionService(database.db, 10);
  const tokens = new Map<number, string>();
  for (const u of users) tokens.set(u.id, (await sessions.create(u.id, { userAgent: "bench" })).token);

  const { hostname, port } = new URL(app.url);
  const clients: Client[] = [];
  const connectStarted = performance.now();
  const decoder = new TextDecoder();
  for (let i = 0; i < CLIENTS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, CLIENTS - i) }, async (_, j) => {
        const user = users[Math.floor((i + j) / PER_USER) % USERS]!;
        const client: Client = {
          allowed: allowedUsers.has(user.id),
          tail: "",
          ready: false,
          afterReady: "",
          seen: new Map(),
        };
        clients.push(client);
        client.socket = await Bun.connect({
          hostname,
          port: Number(port),
          socket: {
            data(_s, chunk) {
              const now = performance.now();
              const fresh = decoder.decode(chunk);
              const text = client.tail + fresh;
              if (!client.ready && text.includes("event: unread")) client.ready = true;
              else if (client.ready && client.afterReady.length < 20_000)
                client.afterReady += fresh.replace(/: keep-alive\n\n/g, "");
              for (const m of text.matchAll(/BENCHMARK-(\d+)-END/g))
                if (!client.seen.has(m[1]!)) client.seen.set(m[1]!, now);
              client.tail = text.slice(-64);
            },
          },
        });
        client.socket.write(
          `GET /events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\nCookie: gi_session=${tokens.get(user.id)}\r\n\r\n`,
        );
      }),
    );
  }
  const readyStarted = performance.now();
  while (clients.some((c) => !c.ready) && performance.now() - readyStarted < 60_000) await Bun.sleep(50);
  const connected = clients.filter((c) => c.ready).length;
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await Bun.sleep(500);
  for (const c of clients) c.afterReady = "";

  const hook = `${app.url}/webhooks/green-api/${a!.id}`;
  const lastAllowed: number[] = [];
  const firstAllowed: number[] = [];
  const perClient: number[] = [];
  let missing = 0;
  /** Posts message k and waits until every allowed client has it; returns per-client times (ms from posting). */
  async function deliver(k: number): Promise<number[]> {
    const key = String(k);
    const started = performance.now();
    const res = await fetch(hook, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(incomingText(ID.allowed, `SSE${k}`, k % 5, `hello BENCHMARK-${k}-END`)),
    });
    await res.arrayBuffer();
    const allowed = clients.filter((c) => c.allowed && c.ready);
    while (allowed.some((c) => !c.seen.has(key)) && performance.now() - started < 30_000) await Bun.sleep(2);
    const times = allowed.filter((c) => c.seen.has(key)).map((c) => c.seen.get(key)! - started);
    missing += allowed.length - times.length;
    return times;
  }
  // Two messages first, not counted: the first ones after start compile the render and fan-out paths (JIT) and warm the
  // caches, like the warm-up of the ingest benchmark.
  for (let k = 0; k < WARM_UP; k++) {
    await deliver(1000 + k);
    await Bun.sleep(GAP_MS);
  }
  // One message at a time, after the previous one's fan-out work has drained (GAP_MS): the latency of a message.
  for (let k = 0; k < MESSAGES; k++) {
    const times = await deliver(k);
    lastAllowed.push(Math.max(...times));
    firstAllowed.push(Math.min(...times));
    perClient.push(...times);
    await Bun.sleep(GAP_MS);
  }
  // Then messages 300 ms apart: each one's fan-out competes with the previous one's for the database pool.
  const closeLast: number[] = [];
  for (let k = MESSAGES; k < MESSAGES + CLOSE; k++) {
    closeLast.push(Math.max(...(await deliver(k))));
    await Bun.sleep(300);
  }
  await Bun.sleep(1000);
  const denied = clients.filter((c) => !c.allowed);
  // They may get events of the number they do see (its state checks): any inbox frame or the message text is a leak.
  const leakedClients = denied.filter(
    (c) => c.seen.size > 0 || /event: (msgs?\.|chats\.|chat\n|notify|unread)/.test(c.afterReady),
  );
  const otherEvents = new Set(denied.flatMap((c) => [...c.afterReady.matchAll(/event: (\S+)/g)].map((m) => m[1]!)));
  if (otherEvents.size > 0)
    console.log(`clients without access also got (about the number they may see): ${[...otherEvents].join(", ")}`);
  const leaked = leakedClients.length;
  if (leaked > 0)
    console.log(`a client without access received: ${JSON.stringify(leakedClients[0]!.afterReady.slice(0, 600))}`);

  // How much of it is ingest: webhook journaled → message row written (database clock).
  const [stored] = await sql<{ p50: number; p99: number }[]>`
    select percentile_cont(0.5) within group (order by d) as p50, percentile_cont(0.99) within group (order by d) as p99
    from (select extract(epoch from m.created_at - n.received_at) * 1000 as d from messages m
          join notifications n on n.dedupe_key = 'incomingMessageReceived:' || (m.raw->'senderData'->>'chatId') || ':' || m.id_message
          where m.id_message like 'SSE%') x`;
  const p99 = percentile(lastAllowed, 99);
  console.log(
    `clients: ${clients.filter((c) => c.allowed).length} allowed, ${denied.length} without access; ulimit -n ${fds}`,
  );
  figure(
    "connected and initialised (got the unread frame)",
    `${connected} / ${CLIENTS}`,
    `${CLIENTS}`,
    connected === CLIENTS,
  );
  figure("time to connect all", `${connectSeconds.toFixed(1)} s`);
  figure("webhook → first allowed client p50", ms(percentile(firstAllowed, 50)));
  figure(
    "webhook → every allowed client, per client p50 / p99",
    `${ms(percentile(perClient, 50))} / ${ms(percentile(perClient, 99))}`,
  );
  figure("of which webhook journaled → message stored p50 / p99", `${ms(stored!.p50)} / ${ms(stored!.p99)}`);
  figure(
    `webhook → last allowed client p50 (${MESSAGES} msgs, ${GAP_MS / 1000} s apart)`,
    ms(percentile(lastAllowed, 50)),
  );
  figure(
    `webhook → last allowed client p99 (${MESSAGES} msgs, ${GAP_MS / 1000} s apart)`,
    ms(p99),
    `< ${GOAL_MS} ms`,
    p99 < GOAL_MS,
  );
  figure(
    "  each message, sorted (ms)",
    [...lastAllowed]
      .sort((x, y) => x - y)
      .map((x) => x.toFixed(0))
      .join(" "),
  );
  figure(
    `messages 300 ms apart: last allowed client p50 / max (${CLOSE} msgs)`,
    `${ms(percentile(closeLast, 50))} / ${ms(Math.max(...closeLast))}`,
  );
  figure("allowed clients that missed a message", String(missing), "0", missing === 0);
  figure("clients without access that received anything", String(leaked), "0", leaked === 0);
  figure("app RSS with all clients connected", `${(app.rssKb() / 1024).toFixed(0)} MB`);
  if (missing > 0 || leaked > 0 || connected < CLIENTS || p99 >= GOAL_MS) exitCode = 1;
  for (const c of clients) c.socket?.end();
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const stop of cleanup.reverse()) await Promise.resolve(stop()).catch(() => {});
  await sql.end();
  await bench.drop();
}
process.exit(exitCode);
