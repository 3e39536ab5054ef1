// `serve`: listens at once (requests wait for the database), migrates, bootstraps the admin, shuts down gracefully.
import type { Server } from "bun";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import type { Logger } from "./lib/log.ts";
import { createDeps, startBackground, stopBackground } from "./deps.ts";
import { createApp } from "./app.tsx";
import { ensureFirstAdmin } from "./bootstrap.ts";
import { SESSION_COOKIE } from "./auth/cookies.ts";
import { endEventStreams } from "./live/sse.ts";

export interface Running {
  server: Server<undefined>;
  url: string;
  /**
   * Stops accepting connections, ends the event streams (with a goodbye), lets in-flight requests finish, stops the
   * background work (flushing the intake and the outbox) and closes the database.
   */
  stop(): Promise<void>;
  /** What a stop in progress is waiting for (for the log when it takes too long); null before stop(). */
  waitingFor(): string | null;
}

/** Without a session cookie the home page can only mean "sign in": answer at once, even before the database is up. */
function isAnonymousHome(req: Request): boolean {
  return (
    req.method === "GET" &&
    new URL(req.url).pathname === "/" &&
    !(req.headers.get("cookie") ?? "").includes(`${SESSION_COOKIE}=`)
  );
}

export async function serve(config: Config, log: Logger): Promise<Running> {
  let ready = false;
  let resolveApp!: (fetch: (req: Request, server: Server<undefined>) => Response | Promise<Response>) => void;
  let rejectApp!: (err: unknown) => void;
  const appFetch = new Promise<(req: Request, server: Server<undefined>) => Response | Promise<Response>>(
    (res, rej) => {
      resolveApp = res;
      rejectApp = rej;
    },
  );
  appFetch.catch(() => {});

  const server = Bun.serve({
    port: config.PORT,
    hostname: config.HOST,
    idleTimeout: 30,
    async fetch(req, srv) {
      if (!ready && isAnonymousHome(req)) return Response.redirect(new URL("/login", req.url).pathname, 303);
      // Probes get an answer at once while the database opens and migrates.
      if (!ready && new URL(req.url).pathname === "/readyz")
        return Response.json({ status: "unavailable", reason: "starting" }, { status: 503 });
      const handle = await appFetch;
      return handle(req, srv);
    },
  });
  const url = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${server.port}`;
  log.info({ url }, "listening");

  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, log }).catch(
    (err) => {
      rejectApp(err);
      server.stop(true);
      throw err;
    },
  );
  const deps = createDeps(config, database, log);
  const setupUrl = await ensureFirstAdmin(deps, config.PUBLIC_URL ?? url);
  // For the operator's eyes, beside the log (standard output carries JSON lines only).
  if (setupUrl) process.stderr.write(`\n  First start: create the admin account at\n  ${setupUrl}\n\n`);
  const app = createApp(deps);
  resolveApp((req, srv) => app.fetch(req, srv));
  ready = true;
  await startBackground(deps);
  log.info({ db: database.kind }, "ready");

  let stopping: Promise<void> | undefined;
  let step: (() => string) | null = null;
  return {
    server,
    url,
    stop() {
      stopping ??= (async () => {
        // Without `true`, Bun's stop closes the listener at once and resolves when the open requests have answered.
        const drained = server.stop();
        log.info({ eventStreams: endEventStreams(server) }, "shutting down: no new connections, open requests finish");
        step = () => `${server.pendingRequests} in-flight request(s)`;
        await drained;
        step = () => "background work (pollers, outbox, intake, bot, jobs)";
        await stopBackground(deps);
        step = () => "closing the database";
        await database.close();
        log.info("stopped");
      })();
      return stopping;
    },
    waitingFor: () => step?.() ?? null,
  };
}
