// The per-user SSE stream: events the user may see, plus keep-alive comments so idle connections stay open.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../lib/context.ts";
import type { AppEvent } from "./bus.ts";
import { visibleTo } from "./filter.ts";
import { EVENTS } from "./names.ts";

export const KEEP_ALIVE_MS = 5000;
const RELOAD_GRACE_MS = 10_000;

function endsSession(data: Record<string, unknown>, sessionId: string): boolean {
  if (typeof data.sessionId === "string") return data.sessionId === sessionId;
  return "allExcept" in data && data.allExcept !== sessionId;
}

export const eventRoutes = new Hono<AppEnv>().get("/events", (c) => {
  const user = c.var.user!;
  const session = c.var.session!;
  const { bus } = c.var.deps;
  // Proxies (nginx) must pass events through at once.
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    const queue: AppEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = bus.subscribe((event) => {
      if (!visibleTo(user, event)) return;
      queue.push(event);
      wake?.();
    });
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    try {
      await stream.write(": connected\n\n");
      while (!stream.aborted && !stream.closed) {
        const event = queue.shift();
        if (!event) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEP_ALIVE_MS);
          });
          wake = null;
          if (queue.length === 0) await stream.write(": keep-alive\n\n");
          continue;
        }
        if ((event.name === EVENTS.sessionsEnded && endsSession(event.data, session.id)) || event.name === EVENTS.userChanged) {
          // Session ended or rights changed: the page reloads (to the login page, or with fresh rights). Nothing more is
          // sent; the stream is held briefly so the page leaves before the connection drops.
          unsubscribe();
          await stream.writeSSE({ event: "reload", data: "" });
          await Promise.race([new Promise((r) => setTimeout(r, RELOAD_GRACE_MS)), new Promise<void>((r) => stream.onAbort(r))]);
          break;
        }
        if (event.name === EVENTS.sessionsEnded) continue;
        const html = typeof event.data.html === "string" ? event.data.html : JSON.stringify(event.data);
        await stream.writeSSE({ event: event.name, data: html });
      }
    } finally {
      unsubscribe();
    }
  });
});
