// A user's open SSE stream in tests: reads in the background, waits for a pattern, and shows everything received.
import type { Agent } from "../support/app.ts";
import { waitFor } from "../support/wait.ts";

export interface OpenStream {
  /** Everything received so far. */
  readonly text: string;
  /** Resolves with the text once `match` appears; fails after `ms`. */
  until(match: RegExp, ms?: number): Promise<string>;
  close(): Promise<void>;
}

export async function openStream(agent: Agent): Promise<OpenStream> {
  const res = await agent.get("/events", { accept: "text/event-stream" });
  if (res.status !== 200) throw new Error(`/events answered ${res.status}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
    } catch {
      // cancelled
    }
    ended = true;
  })();
  const stream: OpenStream = {
    get text() {
      return text;
    },
    async until(match, ms = 8000) {
      await waitFor(() => match.test(text), {
        timeout: ms,
        interval: 10,
        stopIf: () => ended,
        message: () => `${match} in SSE stream${ended ? " (ended)" : ""}: ${text.slice(-800)}`,
      });
      return text;
    },
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
  await stream.until(/: connected/);
  return stream;
}
