// Leader election: a PostgreSQL session-level advisory lock held on a dedicated connection. The lock goes with the
// session, so when the leader dies (or its connection drops) PostgreSQL releases it and a follower takes it on its next try.
import type { Logger } from "../lib/log.ts";

/** The lock's two keys (pg_try_advisory_lock(int, int)); advisory locks are per database. */
const KEY = [0x4749_4e42, 1] as const;

export interface LeaderOptions {
  url: string;
  log: Logger;
  /** How often followers try the lock and the leader checks it still holds it. */
  retryMs: number;
  /**
   * A leader taking over waits this long first: the one before may have called Green-API just before it died, and
   * per-second limits count those calls too. Not on the first try at start-up.
   */
  takeoverPauseMs?: number;
  /** Called when this process becomes the leader; `lose` when it stops being it. Never overlap. */
  gain(): Promise<void>;
  lose(): Promise<void>;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** Tries once at once, then keeps trying in the background. */
  start(): Promise<void>;
  /** Steps down (calls `lose` if leading) and closes the connection, which releases the lock. */
  stop(): Promise<void>;
}

export async function createLeaderElection(opts: LeaderOptions): Promise<LeaderElection> {
  const { default: postgres } = await import("postgres");
  let leading = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstTry = true;
  // Transitions run one after another: `lose` has finished before `gain` can run again.
  let chain: Promise<void> = Promise.resolve();
  const transition = (to: boolean) => {
    chain = chain.then(async () => {
      if (leading === to || (to && stopped)) return;
      if (to && !firstTry && opts.takeoverPauseMs) await Bun.sleep(opts.takeoverPauseMs);
      if (to && stopped) return;
      leading = to;
      opts.log.info(
        { leader: to },
        to ? "this process is the leader: background work starts here" : "leadership lost: background work stops here",
      );
      try {
        await (to ? opts.gain() : opts.lose());
      } catch (err) {
        opts.log.error({ err }, to ? "starting background work failed" : "stopping background work failed");
      }
    });
    return chain;
  };

  const sql = postgres(opts.url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: 5,
    onnotice: () => {},
    // The session is gone and the lock with it: stop at once rather than at the next check.
    onclose: () => {
      if (leading) void transition(false);
    },
  });

  async function tick(): Promise<void> {
    let holds = false;
    try {
      // Held by this session already (the connection may have been replaced since), or taken now.
      // Hand-written: pg_locks and a session advisory lock, on this dedicated connection (no Drizzle on it).
      const [row] = await sql<{ leader: boolean }[]>`
        select coalesce(
          (select true from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted
             and classid = ${KEY[0]}::int::oid and objid = ${KEY[1]}::int::oid and objsubid = 2),
          pg_try_advisory_lock(${KEY[0]}::int, ${KEY[1]}::int)) as leader`;
      holds = row?.leader === true;
    } catch (err) {
      opts.log.warn({ err: String(err) }, "leader check failed");
    }
    if (holds !== leading) await transition(holds);
    firstTry = false;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), opts.retryMs);
  }

  return {
    isLeader: () => leading,
    async start() {
      await tick();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await transition(false);
      await sql.end({ timeout: 2 });
    },
  };
}
