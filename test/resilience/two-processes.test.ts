// Two processes on one PostgreSQL: a webhook taken by one process shows up live on the other's SSE stream.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { incoming, openStream, postWebhook, signIn, startCluster, type App, type Cluster } from "./support.ts";
import { waitFor } from "../support/wait.ts";

let cluster: Cluster;
let leader: App;
let follower: App;

beforeAll(async () => {
  cluster = await startCluster({ intakeMode: "webhook" });
  leader = await cluster.spawn();
  follower = await cluster.spawn();
}, 60_000);

afterAll(async () => {
  await cluster?.close();
}, 30_000);

test("exactly one process leads", () => {
  expect([leader.isLeader(), follower.isLeader()]).toEqual([true, false]);
});

test("a message posted to one process's webhook appears on both processes' SSE streams, stored once", async () => {
  const [onLeader, onFollower] = await Promise.all([signIn(leader), signIn(follower)]);
  const streams = [openStream(onLeader), openStream(onFollower)];
  try {
    await waitFor(() => streams.every((s) => s.text().includes(": connected")), {
      timeout: 10_000,
      message: "both streams connected",
    });
    // Through the follower: it journals the notification and wakes the leader, which stores the message; the event
    // reaches the follower's stream over NOTIFY. Then the other way round.
    expect(await postWebhook(follower, cluster.instanceId, incoming("A1", "hello via follower"))).toBe(200);
    await waitFor(() => streams.every((s) => s.text().includes("hello via follower")), {
      timeout: 10_000,
      message: "the message on both streams",
    });
    expect(await postWebhook(leader, cluster.instanceId, incoming("B1", "hello via leader"))).toBe(200);
    await waitFor(() => streams.every((s) => s.text().includes("hello via leader")), {
      timeout: 10_000,
      message: "the second message on both streams",
    });
    const rows = await cluster.sql<
      { id_message: string; n: number }[]
    >`select id_message, count(*)::int as n from messages where direction = 'in' group by id_message order by id_message`;
    expect(rows.map((r) => [r.id_message, r.n])).toEqual([
      ["A1", 1],
      ["B1", 1],
    ]);
  } finally {
    for (const s of streams) s.close();
  }
}, 30_000);
