// SIGKILL at random moments while webhooks pour in (~500/s) and managers reply, over two processes on one PostgreSQL:
// after restarts every webhook answered 200 is stored exactly once, every accepted send reaches Green-API exactly once,
// and nothing is left pending.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Agent } from "../support/app.ts";
import {
  ID_INSTANCE,
  incoming,
  postWebhook,
  sendReply,
  signIn,
  startCluster,
  type App,
  type Cluster,
} from "./support.ts";
import { waitFor } from "../support/wait.ts";

const LOAD_MS = 9_000;
const KILLS = 3;
/** Webhooks come in bursts at this rate (the journal takes them at once; processing a long backlog would dominate the
 * test's time on a small CI machine, so the bursts are short). */
const WEBHOOKS_PER_SECOND = 500;
const BURST_MS = 80;
const REPLIES_PER_SECOND = 10;
const MAX_IN_FLIGHT = 400;

let cluster: Cluster;
const live: App[] = [];

beforeAll(async () => {
  cluster = await startCluster({ intakeMode: "webhook" });
  live.push(await cluster.spawn(), await cluster.spawn());
}, 60_000);

afterAll(async () => {
  await cluster?.close();
}, 30_000);

/** The same signed-in manager, talking to whichever process is up. */
function agentFor(base: Agent, app: App): Agent {
  const agent = new Agent(app.url);
  for (const [k, v] of base.cookies) agent.cookies.set(k, v);
  return agent;
}

test("kill -9 under load loses nothing and duplicates nothing", async () => {
  const manager = await signIn(live[0]!);
  const answered200: string[] = [];
  const acceptedSends: string[] = [];
  let posted = 0;
  let inFlight = 0;
  let running = true;
  const pick = () => live[Math.floor(Math.random() * live.length)]!;

  const webhooks = (async () => {
    const started = Date.now();
    while (running) {
      // Within each second, the first BURST_MS carry webhooks at WEBHOOKS_PER_SECOND.
      const elapsed = Date.now() - started;
      const burstTime = Math.floor(elapsed / 1000) * BURST_MS + Math.min(elapsed % 1000, BURST_MS);
      const due = Math.floor((burstTime / 1000) * WEBHOOKS_PER_SECOND);
      while (posted < due && inFlight < MAX_IN_FLIGHT) {
        const idMessage = `W${++posted}`;
        inFlight++;
        void postWebhook(
          pick(),
          cluster.instanceId,
          incoming(idMessage, `load ${idMessage}`, `7900${posted % 50}@c.us`),
        ).then((status) => {
          inFlight--;
          if (status === 200) answered200.push(idMessage);
        });
      }
      await Bun.sleep(5);
    }
    while (inFlight > 0) await Bun.sleep(10);
  })();

  const replies = (async () => {
    let n = 0;
    const sending: Promise<unknown>[] = [];
    while (running) {
      const text = `reply ${++n}`;
      sending.push(
        sendReply(agentFor(manager, pick()), cluster.instanceId, cluster.chatId, text, `reply-key-${n}`).then(
          (ok) => ok && acceptedSends.push(text),
        ),
      );
      await Bun.sleep(1000 / REPLIES_PER_SECOND);
    }
    await Promise.all(sending);
  })();

  const kills: string[] = [];
  const killer = (async () => {
    const moments = Array.from(
      { length: KILLS },
      (_, i) => ((i + 0.2 + Math.random() * 0.6) * (LOAD_MS - 2000)) / KILLS,
    );
    const started = Date.now();
    for (const [i, at] of moments.entries()) {
      await Bun.sleep(Math.max(0, started + at - Date.now()));
      // The first kill hits the leader (mid-processing, mid-sending); the others whichever process.
      const victim = i === 0 ? (live.find((a) => a.isLeader()) ?? pick()) : pick();
      const wasLeader = victim.isLeader();
      live.splice(live.indexOf(victim), 1);
      await victim.kill();
      kills.push(`${Math.round(at)} ms (${wasLeader ? "leader" : "follower"})`);
      live.push(await cluster.spawn());
    }
  })();

  await Bun.sleep(LOAD_MS);
  await killer;
  running = false;
  await Promise.all([webhooks, replies]);
  console.log(
    `kill -9 under load: killed at ${kills.join(", ")}; ${posted} webhooks posted in bursts at ${WEBHOOKS_PER_SECOND}/s, ${answered200.length} answered 200; ${acceptedSends.length} replies accepted`,
  );
  expect(answered200.length).toBeGreaterThan(posted / 2);

  // Settle: the leader processes the journal and the outbox.
  const { sql } = cluster;
  await waitFor(
    async () => {
      const [row] = await sql<{ open: number; pending: number }[]>`
        select (select count(*)::int from notifications where processed_at is null) as open,
               (select count(*)::int from messages where status in ('queued', 'sending')) as pending`;
      return row!.open === 0 && row!.pending === 0;
    },
    { timeout: 30_000, message: "journal processed and outbox empty" },
  ).catch(async (err) => {
    const notes =
      await sql`select count(*)::int as n, max(error) as error from notifications where processed_at is null`;
    const msgs =
      await sql`select status, count(*)::int as n, max(fail_reason) as reason from messages where direction = 'out' group by status`;
    console.log(
      "stuck:",
      JSON.stringify(notes),
      JSON.stringify(msgs),
      live.map((a) => `${a.port} leader=${a.isLeader()}`).join(" "),
    );
    for (const a of live)
      console.log(
        a.proc
          .output()
          .split("\n")
          .filter((l) => /"level":(40|50|60)|leader/.test(l))
          .slice(-15)
          .join("\n"),
      );
    throw err;
  });
  await Bun.sleep(2500);

  const stored = await sql<
    { id_message: string; n: number }[]
  >`select id_message, count(*)::int as n from messages where direction = 'in' group by id_message`;
  const counts = new Map(stored.map((r) => [r.id_message, r.n]));
  expect(answered200.filter((id) => counts.get(id) !== 1)).toEqual([]);
  expect(stored.filter((r) => r.n > 1)).toEqual([]);

  const sent = new Map<string, number>();
  for (const s of cluster.fake.control.sentMessages(ID_INSTANCE))
    sent.set(s.text ?? "", (sent.get(s.text ?? "") ?? 0) + 1);
  expect(acceptedSends.filter((t) => sent.get(t) !== 1)).toEqual([]);
  expect([...sent].filter(([, n]) => n > 1)).toEqual([]);
  expect(
    cluster.fake.control
      .requests(ID_INSTANCE)
      .filter((r) => r.status === 429)
      .map((r) => r.method),
  ).toEqual([]);
  // Sends a killed process stored but could not confirm are fine; they too went out once.
  const [row] = await sql<{ open: number; pending: number }[]>`
    select (select count(*)::int from notifications where processed_at is null) as open,
           (select count(*)::int from messages where status in ('queued', 'sending')) as pending`;
  expect(row).toEqual({ open: 0, pending: 0 });
}, 90_000);
