// LISTEN that stays up: postgres.js re-listens after its connection drops, but a re-listen attempted while the server is
// still down can be lost. Each channel therefore pings itself; when its own pings stop arriving, it listens again.
import type { Sql } from "postgres";
import type { Logger } from "../lib/log.ts";

export interface Listening {
  stop(): Promise<void>;
}

export interface ListenOptions {
  /** How often the channel pings itself (ms). */
  pingEveryMs?: number;
  /** No own ping seen for this long while pings can be sent: listen again (ms). */
  staleMs?: number;
  onListen?: () => void;
}

export async function keepListening(
  sql: Sql,
  channel: string,
  origin: string,
  onPayload: (payload: string) => void,
  log: Logger,
  opts: ListenOptions = {},
): Promise<Listening> {
  const ping = `ping:${origin}`;
  const pingEveryMs = opts.pingEveryMs ?? 2000;
  const staleMs = opts.staleMs ?? 7000;
  let lastSeen = Date.now();
  let lastSent = 0;
  let unlisten: (() => Promise<void>) | null = null;
  let relistening = false;
  let stopped = false;

  const handler = (payload: string) => {
    if (payload === ping) lastSeen = Date.now();
    else if (!payload.startsWith("ping:")) onPayload(payload);
  };
  const listen = async () => {
    const l = await sql.listen(channel, handler, opts.onListen);
    unlisten = l.unlisten;
  };
  await listen();

  const timer = setInterval(() => {
    if (stopped) return;
    sql.notify(channel, ping).then(
      () => (lastSent = Date.now()),
      () => {},
    );
    // Pings go out (the server is up) but none came back for a while: the LISTEN is gone.
    if (lastSent > 0 && lastSent - lastSeen > staleMs && !relistening) {
      relistening = true;
      log.warn({ channel }, "no notifications on the channel for a while; listening again");
      void (async () => {
        await Promise.race([unlisten?.().catch(() => {}), Bun.sleep(2000)]);
        await listen();
        lastSeen = Date.now();
      })()
        .catch((err) => log.warn({ channel, err: String(err) }, "listening again failed; retrying"))
        .finally(() => (relistening = false));
    }
  }, pingEveryMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten?.().catch(() => {});
    },
  };
}
