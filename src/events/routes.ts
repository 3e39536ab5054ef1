// The per-user SSE stream: events the user may see, plus keep-alive comments so idle connections stay open.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../lib/context.ts";
import type { AppEvent } from "./bus.ts";
import { visibleTo } from "./filter.ts";
import { EVENTS } from "./names.ts";

export const KEEP_ALIVE_MS = 5000;

export const eventRoutes = new Hono<AppEnv>().get("/events", (c) => {
  const user = c.var.user!;
  const { bus } = c.var.deps;
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
        if (event.name === EVENTS.userChanged) {
          // The user's rights or sessions changed: end the stream; the client reconnects with fresh rights or is refused.
          await stream.writeSSE({ event: "reload", data: "" });
          break;
        }
        const html = typeof event.data.html === "string" ? event.data.html : JSON.stringify(event.data);
        await stream.writeSSE({ event: event.name, data: html });
      }
    } finally {
      unsubscribe();
    }
  });
});
