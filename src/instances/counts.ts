// Per-instance chat and message counts for cards and the dashboard: a per-process snapshot refreshed in the background.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages } from "../db/schema/index.ts";

/** Per-instance counts for cards and the dashboard. */
export interface InstanceCounts {
  chats: number;
  messages: number;
  /** Messages sent since midnight (database time zone). */
  messagesToday: number;
}

/**
 * How old the counts may get. Counting every message of a number reads the whole messages table (there is no index on
 * messages.instance_id alone): ~1 s at 1 000 000 messages. Pages show a snapshot instead, recomputed in the background
 * once it is older than this; nothing invalidates it, so a new message shows up in the counts within this time.
 */
const COUNTS_TTL_MS = 60_000;

export const NO_COUNTS: InstanceCounts = { chats: 0, messages: 0, messagesToday: 0 };

export interface CountsOptions {
  countsTtlMs?: number;
  now?: () => number;
  onCountsError?: (err: unknown) => void;
}

export function createCountsSnapshot(db: Db, opts: CountsOptions) {
  const ttl = opts.countsTtlMs ?? COUNTS_TTL_MS;
  const now = opts.now ?? Date.now;
  let snapshot: { at: number; byInstance: Map<number, InstanceCounts> } | undefined;
  let refreshing: Promise<Map<number, InstanceCounts>> | undefined;

  /** One pass over chats and one over messages, grouped by instance (every instance at once). */
  async function countAll(): Promise<Map<number, InstanceCounts>> {
    const [chatRows, messageRows] = await Promise.all([
      db.select({ id: chats.instanceId, n: sql<number>`count(*)::int` }).from(chats).groupBy(chats.instanceId),
      db
        .select({
          id: messages.instanceId,
          n: sql<number>`count(*)::int`,
          today: sql<number>`(count(*) filter (where ${messages.sentAt} >= date_trunc('day', now())))::int`,
        })
        .from(messages)
        .groupBy(messages.instanceId),
    ]);
    const byInstance = new Map<number, InstanceCounts>();
    for (const r of chatRows) byInstance.set(r.id, { ...NO_COUNTS, chats: r.n });
    for (const r of messageRows)
      byInstance.set(r.id, { chats: byInstance.get(r.id)?.chats ?? 0, messages: r.n, messagesToday: r.today });
    return byInstance;
  }

  function refresh(): Promise<Map<number, InstanceCounts>> {
    refreshing ??= (async () => {
      const started = now();
      try {
        const byInstance = await countAll();
        snapshot = { at: started, byInstance };
        return byInstance;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /**
   * Counts of every instance, at most `ttl` old: the first call waits for them; later, a stale snapshot is served while
   * one refresh runs in the background (concurrent callers share it).
   */
  async function counts(): Promise<Map<number, InstanceCounts>> {
    if (!snapshot) return refresh();
    if (now() - snapshot.at >= ttl && !refreshing) refresh().catch((err) => opts.onCountsError?.(err));
    return snapshot.byInstance;
  }

  async function withCounts<T extends { id: number }>(
    rows: T[],
  ): Promise<(T & { chatCount: number; messageCount: number })[]> {
    if (rows.length === 0) return [];
    const byInstance = await counts();
    return rows.map((r) => {
      const c = byInstance.get(r.id) ?? NO_COUNTS;
      return { ...r, chatCount: c.chats, messageCount: c.messages };
    });
  }

  return { counts, withCounts };
}
