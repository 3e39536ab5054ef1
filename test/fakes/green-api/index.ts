// Fake Green-API HTTP server (Bun.serve on loopback) for tests, benchmarks and the demo: startFakeGreenApi().
import { createControl, createControlRoute, type FakeControl } from "./control.ts";
import { createFetchHandler } from "./router.ts";
import { createWorld, type FakeOptions } from "./world.ts";

export type { FakeControl } from "./control.ts";
export type { InjectMessageInput } from "./incoming.ts";
export type { FakeOptions } from "./world.ts";

export interface FakeGreenApi {
  /** API origin (use as apiUrl); also serves POST /__control/<name>. */
  url: string;
  /** Media origin (use as mediaUrl): sendFileByUpload and stored files under /files/. */
  mediaUrl: string;
  control: FakeControl;
  stop(): Promise<void>;
}

/**
 * Starts the fake on 127.0.0.1: the API origin on `port` (0 = any free port) and a media origin on
 * another free port, sharing one in-memory world.
 */
export function startFakeGreenApi(options: FakeOptions = {}): FakeGreenApi {
  const world = createWorld(options);
  const control = createControl(world);
  const hostname = options.hostname ?? "127.0.0.1";
  const api = Bun.serve({
    port: options.port ?? 0,
    hostname,
    idleTimeout: 120,
    fetch: createFetchHandler(world, "api", createControlRoute(control)),
  });
  const media = Bun.serve({ port: 0, hostname, idleTimeout: 120, fetch: createFetchHandler(world, "media") });
  world.urls.api = `http://${hostname}:${api.port}`;
  world.urls.media = `http://${hostname}:${media.port}`;
  return {
    url: world.urls.api,
    mediaUrl: world.urls.media,
    control,
    async stop() {
      world.stop();
      await Promise.all([api.stop(true), media.stop(true)]);
    },
  };
}
