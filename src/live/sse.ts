// A lean text/event-stream response: writes go straight to the connection (Bun's direct stream), one flush per write.
// Hono's streamSSE passes every chunk through a TransformStream and a second ReadableStream (several promise hops per
// chunk and stream); with a thousand open streams that per-chunk cost delayed the last client by tens of milliseconds.
// Open streams are kept per server, so a shutdown can say goodbye and end them (they never end by themselves).
import type { Context } from "hono";

/** One SSE frame: an event name and its data (may span lines). */
export interface Frame {
  event: string;
  data: string;
}

/** Frames in the SSE wire format (what Hono's writeSSE writes), as one chunk. */
export function sseText(frames: readonly Frame[]): string {
  let out = "";
  for (const f of frames) {
    if (/[\r\n]/.test(f.event)) throw new Error("SSE event names must not contain line breaks");
    out += `event: ${f.event}\ndata: ${f.data.split(/\r\n|\r|\n/).join("\ndata: ")}\n\n`;
  }
  return out;
}

const encoder = new TextEncoder();

/** Encoded once, written to many streams. */
export function sseBytes(frames: readonly Frame[]): Uint8Array {
  return encoder.encode(sseText(frames));
}

/** The open streams of one server (Hono's `c.env` under Bun.serve) and whether it is stopping. */
interface Streams {
  stopping: boolean;
  open: Set<() => void>;
}

const byServer = new WeakMap<object, Streams>();

function streamsOf(server: object): Streams {
  let streams = byServer.get(server);
  if (!streams) byServer.set(server, (streams = { stopping: false, open: new Set() }));
  return streams;
}

/** Sent before a stream ends at shutdown: the browser reconnects after `retry` ms (to the restarted server). */
const GOODBYE = ": goodbye, the server is stopping\nretry: 2000\n\n";

/**
 * Says goodbye to every open stream of `server` and ends it; streams opening later end the same way at once. Returns
 * how many were open.
 */
export function endEventStreams(server: object): number {
  const streams = streamsOf(server);
  streams.stopping = true;
  const ends = [...streams.open];
  for (const end of ends) end();
  return ends.length;
}

export interface SseStream {
  /** The client went away (or a write failed): nothing more is written. */
  readonly aborted: boolean;
  /** Queues the chunk on the connection and flushes it; a no-op once aborted. Never throws. */
  write(chunk: string | Uint8Array): void;
  /** Called once when the client goes away. */
  onAbort(listener: () => void): void;
}

/**
 * Responds with an event stream fed by `run`; the response ends when `run` returns. Headers set on `c` before (cookies,
 * security headers) are kept.
 */
export function sseResponse(
  c: Context,
  run: (stream: SseStream) => Promise<void>,
  onError: (err: unknown) => void,
): Response {
  const listeners: Array<() => void> = [];
  let aborted = false;
  let sink: { write(chunk: string | ArrayBufferView): unknown; flush(): unknown; close(): unknown } | null = null;
  const abort = () => {
    if (aborted) return;
    aborted = true;
    for (const listener of listeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        onError(err);
      }
    }
  };
  const stream: SseStream = {
    get aborted() {
      return aborted;
    },
    write(chunk) {
      if (aborted || !sink) return;
      try {
        sink.write(chunk);
        sink.flush();
      } catch {
        abort();
      }
    },
    onAbort(listener) {
      if (aborted) listener();
      else listeners.push(listener);
    },
  };
  const body = new ReadableStream({
    type: "direct",
    async pull(controller: NonNullable<typeof sink>) {
      sink = controller;
      const signal = c.req.raw.signal;
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
      // Under Bun.serve `c.env` is the server; an in-process app.request() has none (nothing stops it).
      if (typeof c.env === "object" && c.env !== null) {
        const streams = streamsOf(c.env);
        const goodbye = () => {
          stream.write(GOODBYE);
          abort();
        };
        if (streams.stopping) goodbye();
        else {
          streams.open.add(goodbye);
          stream.onAbort(() => streams.open.delete(goodbye));
        }
      }
      try {
        await run(stream);
      } catch (err) {
        onError(err);
      } finally {
        abort();
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      }
    },
    cancel: abort,
  } as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0]);
  c.header("Content-Type", "text/event-stream");
  c.header("Cache-Control", "no-cache");
  c.header("Connection", "keep-alive");
  return c.newResponse(body);
}
