// The per-user SSE stream: events the user may see (inbox ones rendered for them), plus keep-alive comments.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import type { AppEvent } from "../events/bus.ts";
import { visibleTo } from "./filter.ts";
import { coalesce, fanoutQuery, scopeKey, stopSharing } from "./shared.ts";
import { EVENTS, SERVER_EVENTS } from "../events/names.ts";
import { sseResponse, sseText } from "./sse.ts";
import { metrics } from "../metrics/index.ts";
import { INBOX_EVENTS, bubbleChunks, liveStream, prefetch, rowFrames, unreadFrame, type Frame } from "./fragments.tsx";
import { uiFor } from "../../views/chats/format.ts";

const KEEP_ALIVE_MS = 5000;
const RELOAD_GRACE_MS = 10_000;

function endsSession(data: Record<string, unknown>, sessionId: string): boolean {
  if (typeof data.sessionId === "string") return data.sessionId === sessionId;
  return "allExcept" in data && data.allExcept !== sessionId;
}

/** `GET /events`: the signed-in user's event stream. */
export const liveRoutes = new Hono<AppEnv>().get("/", (c) => {
  const user = c.var.user!;
  const session = c.var.session!;
  const { bus, log } = c.var.deps;
  const ui = uiFor(c);
  // Proxies (nginx) must pass events through at once.
  c.header("X-Accel-Buffering", "no");
  const onError = (err: unknown) => log.error({ err, userId: user.id }, "event stream failed");
  const deps = c.var.deps;
  return sseResponse(
    c,
    async (stream) => {
      const queue: AppEvent[] = [];
      let wake: (() => void) | null = null;
      // Message events whose shared read (message, chat) is still running: the stream sleeps until they are all read, so a
      // thousand streams do not wake only to wait for the same query, and then write the bubble in one go.
      let loading = 0;
      const loaded = () => {
        if (--loading === 0) wake?.();
      };
      metrics.sseClients.inc();
      const subscription = bus.subscribe((event) => {
        if (INBOX_EVENTS.has(event.name)) stopSharing(bus);
        if (SERVER_EVENTS.has(event.name) || !visibleTo(user, event)) return;
        queue.push(event);
        const reading = prefetch(deps, event);
        if (reading) {
          loading++;
          void reading.then(loaded);
        } else if (loading === 0) wake?.();
      });
      const unsubscribe = () => {
        subscription();
        stopSharing(bus);
      };
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      /** Set when the page is told to reload: nothing is written after that. */
      let ended = false;
      const write = (frames: Frame[]) => {
        if (frames.length > 0 && !ended) stream.write(sseText(frames));
      };
      // Per-user frames (chat rows, unread total) run behind the bubbles, in order, one batch after another: a slow count
      // never holds up the next message's bubble, and events arriving meanwhile are folded into one pass.
      const forRows: AppEvent[] = [];
      let rowsRunning = false;
      const live = liveStream(() => [...forRows, ...queue]);
      const runRows = async () => {
        rowsRunning = true;
        try {
          while (forRows.length > 0 && !ended && !stream.aborted) {
            const events = forRows.splice(0);
            const frames = await rowFrames(deps, user, { ...ui, now: new Date() }, events, live).catch(
              (err: unknown) => {
                log.error({ err, userId: user.id }, "live inbox update failed");
                return [];
              },
            );
            write(frames);
          }
        } finally {
          rowsRunning = false;
        }
      };
      try {
        stream.write(": connected\n\n");
        // Tabs opening together (a restart reconnects them all) share one count per user.
        write([
          await coalesce(bus, `unread|${scopeKey(user)}`, () => fanoutQuery(() => unreadFrame(c.var.deps, user))),
        ]);
        while (!stream.aborted) {
          if (queue.length === 0 || loading > 0) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, KEEP_ALIVE_MS);
            });
            clearTimeout(timer);
            wake = null;
            if (queue.length === 0) stream.write(": keep-alive\n\n");
            continue;
          }
          // Everything queued so far is handled as one batch: bursts render each chat row and the unread total once.
          const batch = queue.splice(0);
          const ending = batch.find(
            (e) =>
              (e.name === EVENTS.sessionsEnded && endsSession(e.data, session.id)) || e.name === EVENTS.userChanged,
          );
          if (ending) {
            // Session ended or rights changed: the page reloads (to the login page, or with fresh rights). Nothing more is
            // sent; the stream is held briefly so the page leaves before the connection drops.
            unsubscribe();
            write([{ event: "reload", data: "" }]);
            ended = true;
            await Promise.race([
              new Promise((r) => setTimeout(r, RELOAD_GRACE_MS)),
              new Promise<void>((r) => stream.onAbort(r)),
            ]);
            break;
          }
          const inbox = batch.filter((e) => INBOX_EVENTS.has(e.name));
          const passed = batch
            .filter((e) => e.name !== EVENTS.sessionsEnded && !INBOX_EVENTS.has(e.name))
            .map((e) => ({
              event: e.name,
              data: typeof e.data.html === "string" ? e.data.html : JSON.stringify(e.data),
            }));
          write(passed);
          if (inbox.length > 0) {
            // The bubbles first, as bytes shared by every stream with this view.
            const chunks = await bubbleChunks(deps, { ...ui, now: new Date() }, inbox).catch((err: unknown) => {
              log.error({ err, userId: user.id }, "live bubble update failed");
              return [];
            });
            for (const chunk of chunks) stream.write(chunk);
            forRows.push(...inbox);
            // Started after this turn, once every stream has written the bubbles (runRows never rejects: it logs).
            if (!rowsRunning) {
              rowsRunning = true;
              setImmediate(() => void runRows());
            }
          }
        }
      } finally {
        unsubscribe();
        metrics.sseClients.dec();
      }
    },
    onError,
  );
});
