// The per-user SSE stream: events the user may see (inbox ones rendered for them), plus keep-alive comments.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../lib/context.ts";
import type { AppEvent } from "./bus.ts";
import { visibleTo } from "./filter.ts";
import { coalesce, fanoutQuery, scopeKey, stopSharing } from "./shared.ts";
import { EVENTS, SERVER_EVENTS } from "./names.ts";
import { metrics } from "../metrics/index.ts";
import { INBOX_EVENTS, inboxFrames, liveStream, unreadFrame, type Frame } from "../../views/chats/live.tsx";
import { uiFor } from "../../views/chats/format.ts";

export const KEEP_ALIVE_MS = 5000;
const RELOAD_GRACE_MS = 10_000;

/** Frames in the SSE wire format (what writeSSE writes), as one chunk. */
function sseText(frames: Frame[]): string {
  return frames.map((f) => `event: ${f.event}\n${f.data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join("\n")}\n\n`).join("");
}

function endsSession(data: Record<string, unknown>, sessionId: string): boolean {
  if (typeof data.sessionId === "string") return data.sessionId === sessionId;
  return "allExcept" in data && data.allExcept !== sessionId;
}

export const eventRoutes = new Hono<AppEnv>().get("/events", (c) => {
  const user = c.var.user!;
  const session = c.var.session!;
  const { bus, log } = c.var.deps;
  const ui = uiFor(c);
  // Proxies (nginx) must pass events through at once.
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    const queue: AppEvent[] = [];
    let wake: (() => void) | null = null;
    metrics.sseClients.inc();
    const subscription = bus.subscribe((event) => {
      if (INBOX_EVENTS.has(event.name)) stopSharing(bus);
      if (SERVER_EVENTS.has(event.name) || !visibleTo(user, event)) return;
      queue.push(event);
      wake?.();
    });
    const unsubscribe = () => {
      subscription();
      stopSharing(bus);
    };
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    const write = async (frames: Frame[]) => {
      if (frames.length > 0) await stream.write(sseText(frames));
    };
    const live = liveStream(write, () => queue);
    try {
      await stream.write(": connected\n\n");
      // Tabs opening together (a restart reconnects them all) share one count per user.
      await write([await coalesce(bus, `unread|${scopeKey(user)}`, () => fanoutQuery(() => unreadFrame(c.var.deps, user)))]);
      while (!stream.aborted && !stream.closed) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEP_ALIVE_MS);
          });
          wake = null;
          if (queue.length === 0) await stream.write(": keep-alive\n\n");
          continue;
        }
        // Everything queued so far is handled as one batch: bursts render each chat row and the unread total once.
        const batch = queue.splice(0);
        const ending = batch.find((e) => (e.name === EVENTS.sessionsEnded && endsSession(e.data, session.id)) || e.name === EVENTS.userChanged);
        if (ending) {
          // Session ended or rights changed: the page reloads (to the login page, or with fresh rights). Nothing more is
          // sent; the stream is held briefly so the page leaves before the connection drops.
          unsubscribe();
          await stream.writeSSE({ event: "reload", data: "" });
          await Promise.race([new Promise((r) => setTimeout(r, RELOAD_GRACE_MS)), new Promise<void>((r) => stream.onAbort(r))]);
          break;
        }
        const inbox = batch.filter((e) => INBOX_EVENTS.has(e.name));
        for (const event of batch) {
          if (event.name === EVENTS.sessionsEnded || INBOX_EVENTS.has(event.name)) continue;
          await stream.writeSSE({ event: event.name, data: typeof event.data.html === "string" ? event.data.html : JSON.stringify(event.data) });
        }
        if (inbox.length > 0) {
          const frames = await inboxFrames(c.var.deps, user, { ...ui, now: new Date() }, inbox, live).catch((err: unknown) => {
            log.error({ err, userId: user.id }, "live inbox update failed");
            return [];
          });
          await write(frames);
        }
      }
    } finally {
      unsubscribe();
      metrics.sseClients.dec();
    }
  });
});
