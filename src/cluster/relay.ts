// Carries events between processes over PostgreSQL NOTIFY: batched per flush, split when one is too large, and each
// process ignores what it sent itself (every process also delivered its own events locally).
import type { AppEvent } from "../events/bus.ts";

/** NOTIFY payloads must stay under 8000 bytes. */
export const MAX_PAYLOAD = 7800;

type Wire =
  | { o: string; e: AppEvent[] }
  /** One part of an event too large for one payload. */
  | { o: string; s: number; i: number; n: number; p: string };

export interface Relay {
  /** Queues an event for the other processes (sent in order, batched). */
  send(event: AppEvent): void;
  /** Handles one NOTIFY payload; calls `deliver` for every complete event from another process. */
  receive(payload: string): void;
  /** Resolves when everything queued has been sent. */
  flushed(): Promise<void>;
}

export function createRelay(opts: {
  origin: string;
  notify: (payload: string) => Promise<void>;
  deliver: (event: AppEvent) => void;
  onError: (err: unknown) => void;
}): Relay {
  const queue: AppEvent[] = [];
  let flushing: Promise<void> | null = null;
  let seq = 0;
  const parts = new Map<string, { at: number; got: string[]; left: number }>();
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  // Every payload this process sends starts so (its origin is written first): its own come back and are dropped unread.
  const own = `{"o":${JSON.stringify(opts.origin)},`;

  /** Payloads for the queued events: as many whole events per payload as fit, large ones split. */
  function pack(events: AppEvent[]): string[] {
    const out: string[] = [];
    let batch: AppEvent[] = [];
    // Bytes of the batch's payload so far, kept as a sum (stringifying the growing batch per event was quadratic).
    const empty = bytes(JSON.stringify({ o: opts.origin, e: [] } satisfies Wire));
    let size = empty;
    const close = () => {
      if (batch.length) out.push(JSON.stringify({ o: opts.origin, e: batch } satisfies Wire));
      batch = [];
      size = empty;
    };
    for (const event of events) {
      const json = JSON.stringify(event);
      const own = bytes(json);
      if (empty + own > MAX_PAYLOAD) {
        close();
        out.push(...split(json));
        continue;
      }
      // One more event adds its JSON and, after the first, a comma.
      if (size + own + (batch.length ? 1 : 0) > MAX_PAYLOAD) close();
      size += own + (batch.length ? 1 : 0);
      batch.push(event);
    }
    close();
    return out;
  }

  function split(json: string): string[] {
    const s = ++seq;
    // Characters, not bytes: a sixth of the room keeps any text under the limit once escaped (\u0001 takes 6 bytes).
    const size = Math.floor((MAX_PAYLOAD - 200) / 6);
    const chunks: string[] = [];
    for (let i = 0; i < json.length; i += size) chunks.push(json.slice(i, i + size));
    return chunks.map((p, i) => JSON.stringify({ o: opts.origin, s, i, n: chunks.length, p } satisfies Wire));
  }

  async function flush(): Promise<void> {
    while (queue.length) {
      for (const payload of pack(queue.splice(0))) {
        try {
          await opts.notify(payload);
        } catch (err) {
          opts.onError(err);
        }
      }
    }
    flushing = null;
  }

  return {
    send(event) {
      queue.push(event);
      flushing ??= Promise.resolve().then(flush);
    },
    receive(payload) {
      if (payload.startsWith(own)) return;
      let wire: Wire;
      try {
        wire = JSON.parse(payload) as Wire;
      } catch (err) {
        return opts.onError(err);
      }
      if (!wire || typeof wire !== "object" || wire.o === opts.origin) return;
      if ("e" in wire) {
        for (const event of wire.e) opts.deliver(event);
        return;
      }
      const key = `${wire.o}:${wire.s}`;
      const now = Date.now();
      for (const [k, v] of parts) if (now - v.at > 30_000) parts.delete(k);
      const entry = parts.get(key) ?? { at: now, got: new Array<string>(wire.n), left: wire.n };
      parts.set(key, entry);
      if (entry.got[wire.i] === undefined) {
        entry.got[wire.i] = wire.p;
        entry.left--;
      }
      if (entry.left > 0) return;
      parts.delete(key);
      try {
        opts.deliver(JSON.parse(entry.got.join("")) as AppEvent);
      } catch (err) {
        opts.onError(err);
      }
    },
    flushed: () => flushing ?? Promise.resolve(),
  };
}
