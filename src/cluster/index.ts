// Several processes on one PostgreSQL: events fan out to every process (LISTEN/NOTIFY), one leader runs the background
// work (advisory lock), and followers wake the leader when they stored work for it. Alone on PGlite: always the leader.
import { randomUUID } from "node:crypto";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../lib/log.ts";
import { createLeaderElection, type LeaderElection } from "./leader.ts";
import { createRelay, type Relay } from "./relay.ts";
import { keepListening, type Listening } from "./listen.ts";

const EVENTS_CHANNEL = "greeninbox_events";
const WAKE_CHANNEL = "greeninbox_wake";
const SWEEP_MS = 5000;
/** The id a sweep passes to the wake-up handlers: look at everything, not only what is new. */
export const SWEEP = -1;

/**
 * Work a follower stored for the leader: journaled notifications, queued sends, media to fetch, polling to (re)start,
 * and readChat (a background Green-API call, kept in the leader's rate limiter so its limit holds).
 */
export type WakeTopic = "intake" | "outbox" | "media" | "poller" | "readChat";

export interface Background {
  run(): Promise<void>;
  halt(): Promise<void>;
}

export interface Cluster {
  /** This process, as named in its NOTIFY payloads. */
  readonly id: string;
  /** True on PostgreSQL (other processes may share the database). */
  readonly shared: boolean;
  /** Whether background work runs here. True until `start` (tests and one-off commands run everything in-process). */
  isLeader(): boolean;
  /** Asks the leader to pick up work now; nothing to do when this process is the leader. */
  wake(topic: WakeTopic, ...ids: number[]): void;
  /** What the leader does when woken (`ids` as given to `wake`; [SWEEP] from the periodic sweep). */
  onWake(topic: WakeTopic, handler: (ids: number[]) => void | Promise<void>): void;
  /** Relays events and runs the background work while this process leads. */
  start(background: Background): Promise<void>;
  /** Stops leading (halting the background work) and relaying. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** How often followers try to become the leader (ms). */
  retryMs?: number;
}

export function createCluster(database: Database, bus: EventBus, log: Logger, options: ClusterOptions = {}): Cluster {
  const id = randomUUID();
  const pg = database.postgres;
  const handlers = new Map<WakeTopic, (ids: number[]) => void | Promise<void>>();
  let started = false;
  let election: LeaderElection | null = null;
  let relay: Relay | null = null;
  let listening: Listening[] = [];
  let background: Background | null = null;
  const pendingWakes = new Set<string>();
  let sweeper: ReturnType<typeof setInterval> | null = null;

  function handleWake(payload: string) {
    if (!election?.isLeader()) return;
    const [topic, ...raw] = payload.split(":") as [WakeTopic, ...string[]];
    const handler = handlers.get(topic);
    const ids = raw.map(Number);
    if (!handler || !ids.every(Number.isSafeInteger)) return;
    void Promise.resolve()
      .then(() => handler(ids))
      .catch((err) => log.error({ err, topic }, "wake-up handler failed"));
  }

  const cluster: Cluster = {
    id,
    shared: !!pg,
    isLeader: () => !started || !pg || (election?.isLeader() ?? false),

    wake(topic, ...ids) {
      if (!pg || !started || cluster.isLeader()) return;
      const payload = [topic, ...ids].join(":");
      // Bursts (500 webhooks/s) collapse into one wake-up per topic per tick.
      if (pendingWakes.has(payload)) return;
      pendingWakes.add(payload);
      setTimeout(() => {
        pendingWakes.delete(payload);
        pg.sql.notify(WAKE_CHANNEL, payload).catch((err) => log.warn({ err: String(err) }, "wake-up not sent"));
      }, 5);
    },

    onWake(topic, handler) {
      handlers.set(topic, handler);
    },

    async start(bg) {
      started = true;
      background = bg;
      if (!pg) return bg.run();
      relay = createRelay({
        origin: id,
        notify: async (payload) => {
          await pg.sql.notify(EVENTS_CHANNEL, payload);
        },
        deliver: (event) => bus.receive(event),
        onError: (err) => log.warn({ err: String(err) }, "event relay failed"),
      });
      const r = relay;
      bus.relay = (event) => r.send(event);
      // postgres.js keeps one connection for LISTEN and re-listens after it reconnects; keepListening checks it did.
      const onListen = () => log.info("listening for other processes' events");
      listening = await Promise.all([
        keepListening(pg.sql, EVENTS_CHANNEL, id, (payload) => r.receive(payload), log, { onListen }),
        keepListening(pg.sql, WAKE_CHANNEL, id, handleWake, log),
      ]);
      election = await createLeaderElection({
        url: pg.url,
        log: log.child({ module: "leader" }),
        retryMs: options.retryMs ?? 2000,
        takeoverPauseMs: 1000,
        gain: async () => {
          await bg.run();
          // Work followers stored while nobody led; then a sweep now and then, should a wake-up have been lost.
          const sweep = () => {
            for (const topic of ["intake", "outbox"] as const) {
              void Promise.resolve(handlers.get(topic)?.([SWEEP])).catch((err) =>
                log.error({ err, topic }, "sweep failed"),
              );
            }
          };
          sweep();
          sweeper = setInterval(sweep, SWEEP_MS);
        },
        lose: async () => {
          if (sweeper) clearInterval(sweeper);
          sweeper = null;
          await bg.halt();
        },
      });
      await election.start();
    },

    async stop() {
      if (!started) return;
      if (election) await election.stop();
      else await background?.halt();
      await relay?.flushed();
      bus.relay = null;
      await Promise.all(listening.map((l) => l.stop()));
      listening = [];
    },
  };
  return cluster;
}
