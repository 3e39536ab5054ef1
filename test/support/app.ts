// Starts the real app on a free loopback port over the shared test database, plus a cookie-keeping HTTP agent.
import { parseConfig, type Config } from "../../src/config.ts";
import { createApp } from "../../src/app.tsx";
import { createDeps, type DepsOptions } from "../../src/deps.ts";
import type { AppDeps } from "../../src/env.ts";
import type { Logger } from "../../src/lib/log.ts";
import { resetDatabase, testDatabase, testLog } from "./db.ts";
import { insertInstance } from "./fixtures.ts";

export interface TestApp {
  url: string;
  deps: AppDeps;
  config: Config;
  stop(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  log: Logger = testLog,
  options: DepsOptions = {},
): Promise<TestApp> {
  const database = await testDatabase();
  // The fake Green-API listens on 127.0.0.1: instances point there, as a self-hosted gateway's would.
  const config = parseConfig({
    PORT: "1",
    LOG_LEVEL: "silent",
    DEFAULT_LOCALE: "en",
    GREEN_API_ALLOW_PRIVATE_HOSTS: "true",
    ...env,
  });
  const deps = createDeps(config, database, log, options);
  const app = createApp(deps);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 30,
    fetch: (req, srv) => app.fetch(req, srv),
  });
  return { url: `http://127.0.0.1:${server.port}`, deps, config, stop: () => server.stop(true) };
}

/**
 * A fresh database and the app with one authorized instance (`insertInstance`: it takes webhooks with WEBHOOK_TOKEN of
 * ./fixtures.ts; its Green-API host is unreachable).
 */
export async function startAppWithInstance(
  name: string,
  env: Record<string, string> = {},
): Promise<{ app: TestApp; instanceId: number; idInstance: number }> {
  await resetDatabase();
  const app = await startTestApp(env);
  const instanceId = await insertInstance(app.deps.db, name);
  const idInstance = (await app.deps.instances.getRow(instanceId))!.idInstance;
  return { app, instanceId, idInstance };
}

/** A browser-like client: keeps cookies, sends same-origin headers, and fills in the CSRF field on posts. */
export class Agent {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  /** Posts a form with the CSRF token taken from the cookie (fetching a page first when there is none). */
  async post(
    path: string,
    form: Record<string, string> = {},
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    if (opts.csrf !== false && !this.cookies.has("gi_csrf")) await this.get("/login");
    const body = new URLSearchParams(form);
    if (opts.csrf !== false) body.set("_csrf", this.cookies.get("gi_csrf")!);
    return this.request(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.base, ...opts.headers },
    });
  }

  async login(username: string, password: string): Promise<Response> {
    return this.post("/login", { username, password });
  }
}

/** Reads the user's SSE stream until `match` appears (or fails after `ms`). */
export async function sseUntil(agent: Agent, match: RegExp, ms = 15_000): Promise<string> {
  const res = await agent.get("/events", { accept: "text/event-stream" });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value);
      if (match.test(text)) return text;
    }
    throw new Error(`no ${match} in SSE stream: ${text.slice(-500)}`);
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The text of one message's bubble as the agent's conversation page at `chatPath` shows it (tags dropped). */
export async function bubbleText(agent: Agent, chatPath: string, messageId: number): Promise<string> {
  const page = await (await agent.get(chatPath)).text();
  const start = page.indexOf(`id="m-${messageId}"`);
  if (start < 0) throw new Error(`no bubble m-${messageId} on ${chatPath}`);
  const end = page.indexOf('id="m-', start + 5);
  return page
    .slice(start, end < 0 ? undefined : end)
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}
