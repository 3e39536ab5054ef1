// Two processes, polling intake: kill -9 the leader; the other takes over polling and sending within 10 s, and no
// send reaches Green-API twice.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sendReply, signIn, startCluster, type App, type Cluster } from "./support.ts";
import { waitFor } from "../support/wait.ts";

let cluster: Cluster;
let first: App;
let second: App;

beforeAll(async () => {
  cluster = await startCluster({ intakeMode: "polling" });
  first = await cluster.spawn();
  second = await cluster.spawn();
}, 60_000);

afterAll(async () => {
  await cluster?.close();
}, 30_000);

const storedIn = async (idMessage: string) =>
  (await cluster.sql`select 1 from messages where id_message = ${idMessage}`).length === 1;
const sentTexts = () => cluster.fake.control.sentMessages(7103888001).map((s) => s.text ?? "");

test("kill -9 the leader: the follower polls and sends within 10 s, each send once", async () => {
  expect([first.isLeader(), second.isLeader()]).toEqual([true, false]);
  const { control } = cluster.fake;
  const agent = await signIn(second);

  // Before: the leader polls, and a reply taken by the follower is sent by the leader.
  const before = control.injectIncoming(7103888001, {
    type: "textMessage",
    chatId: cluster.waChatId,
    text: "before the crash",
  });
  await waitFor(() => storedIn(before.idMessage), { timeout: 10_000, message: "the polled message stored" });
  expect(await sendReply(agent, cluster.instanceId, cluster.chatId, "reply 1", "key-one-1")).toBe(true);
  await waitFor(() => sentTexts().includes("reply 1"), { timeout: 10_000, message: "reply 1 sent" });

  // A burst of replies, then the leader dies in the middle of sending them.
  const burst = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
  await Promise.all(
    burst.map((text, i) => sendReply(agent, cluster.instanceId, cluster.chatId, text, `key-burst-${i}`)),
  );
  await first.kill();
  const killedAt = Date.now();

  const after = control.injectIncoming(7103888001, {
    type: "textMessage",
    chatId: cluster.waChatId,
    text: "after the crash",
  });
  expect(await sendReply(agent, cluster.instanceId, cluster.chatId, "reply 2", "key-two-2")).toBe(true);
  await waitFor(() => second.isLeader(), { timeout: 10_000, message: "the follower to lead" });
  await waitFor(() => storedIn(after.idMessage), {
    timeout: 10_000 - (Date.now() - killedAt),
    message: "the message polled by the new leader",
  });
  await waitFor(() => sentTexts().includes("reply 2"), {
    timeout: 10_000 - (Date.now() - killedAt),
    message: "reply 2 sent by the new leader",
  });
  console.log(`failover: new leader polled and sent ${Date.now() - killedAt} ms after kill -9`);

  // Every burst send arrives, none twice (in-flight ones are settled from Green-API's journal, not resent blindly).
  await waitFor(() => burst.every((t) => sentTexts().includes(t)), {
    timeout: 20_000,
    message: "every burst reply sent",
  });
  await Bun.sleep(3000);
  const counts = new Map<string, number>();
  for (const t of sentTexts()) counts.set(t, (counts.get(t) ?? 0) + 1);
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  expect(sentTexts().length).toBe(2 + burst.length);
  expect(control.violations(7103888001)).toBe(0);
  const [pending] = await cluster.sql<
    { n: number }[]
  >`select count(*)::int as n from messages where status in ('queued', 'sending')`;
  expect(pending!.n).toBe(0);
}, 60_000);
