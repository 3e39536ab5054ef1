// Fake Telegram Bot API HTTP server (Bun.serve on loopback) for tests and the demo: startFakeTelegram().
import { createControl, type FakeTelegramControl } from "./control.ts";
import { createControlRoute } from "./control-route.ts";
import { createFetchHandler } from "./router.ts";
import { createWorld, type FakeTelegramOptions } from "./world.ts";

export type { FakeTelegramControl } from "./control.ts";
export type { FakeTelegramOptions } from "./world.ts";

export interface FakeTelegram {
  /** Use as TELEGRAM_API_ROOT (no trailing slash); also serves POST /__control/<name>. */
  url: string;
  token: string;
  botUsername: string;
  control: FakeTelegramControl;
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 (port 0 = any free port). Long polls may hold up to 50 s, so idle connections live longer. */
export function startFakeTelegram(options: FakeTelegramOptions = {}): FakeTelegram {
  const world = createWorld(options);
  const control = createControl(world);
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname,
    idleTimeout: 120,
    fetch: createFetchHandler(world, createControlRoute(control)),
  });
  return {
    url: `http://${hostname}:${server.port}`,
    token: world.token,
    botUsername: world.botInfo.username,
    control,
    async stop() {
      world.stopped = true;
      world.poll?.wake();
      await server.stop(true);
    },
  };
}
