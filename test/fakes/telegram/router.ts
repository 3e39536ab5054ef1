// Request pipeline of the fake: /bot<token>/<method> (case-insensitive), faults, token, flood control, envelope; file downloads.
import { findChat } from "./chats.ts";
import { download } from "./files.ts";
import { buttonMethods } from "./methods-buttons.ts";
import { editMethods } from "./edits.ts";
import { infoMethods } from "./methods-info.ts";
import { sendMethods, type MethodDef } from "./methods-send.ts";
import { BotApiError, readParams } from "./params.ts";
import { getUpdates } from "./updates.ts";
import type { World } from "./world.ts";

const METHODS = new Map<string, MethodDef & { name: string }>(
  Object.entries({ ...infoMethods, ...sendMethods, ...buttonMethods, ...editMethods, getUpdates }).map(
    ([name, def]) => [name.toLowerCase(), { ...def, name }],
  ),
);

const API_PATH = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;
const MAX_REQUEST_LOG = 5000;

function envelope(body: Record<string, unknown>, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function failure(err: BotApiError): Response {
  const headers: Record<string, string> =
    err.parameters?.retry_after !== undefined ? { "Retry-After": String(err.parameters.retry_after) } : {};
  return envelope(
    {
      ok: false,
      error_code: err.code,
      description: err.description,
      ...(err.parameters ? { parameters: err.parameters } : {}),
    },
    err.code,
    headers,
  );
}

/** Outage faults first: dropped connections, a 502 page while "down", then single 500s. */
async function fault(world: World): Promise<Response | null> {
  const f = world.faults;
  if (f.latencyMs > 0) await Bun.sleep(f.latencyMs);
  if (f.dropNext > 0) {
    f.dropNext--;
    return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
  }
  if (Date.now() < f.downUntil)
    return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
      status: 502,
      headers: { "Content-Type": "text/html" },
    });
  if (f.next500 > 0) {
    f.next500--;
    return envelope({ ok: false, error_code: 500, description: "Internal Server Error" }, 500);
  }
  return null;
}

async function call(world: World, def: MethodDef & { name: string }, req: Request, url: URL): Promise<Response> {
  try {
    const params = await readParams(req, url);
    if (def.send && world.rateLimits && params.values.chat_id !== undefined) {
      const raw = params.values.chat_id;
      const chatId = findChat(
        world,
        typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : (raw as number | string),
      ).chat.id;
      const decision = world.limiter.take(chatId);
      if (!decision.allowed) {
        throw new BotApiError(429, `Too Many Requests: retry after ${decision.retryAfter}`, {
          retry_after: decision.retryAfter,
        });
      }
    }
    return envelope({ ok: true, result: await def.handler(world, params, req) }, 200);
  } catch (e) {
    if (e instanceof BotApiError) return failure(e);
    return envelope({ ok: false, error_code: 500, description: `Internal Server Error: ${(e as Error).message}` }, 500);
  }
}

/** Bun.serve fetch handler; `control` serves /__control/*. */
export function createFetchHandler(world: World, control: (req: Request, url: URL) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/__control/")) return control(req, url);
    const injected = await fault(world);
    if (injected) return injected;
    const file = FILE_PATH.exec(url.pathname);
    if (file && req.method === "GET") return download(world, file[1]!, decodeURIComponent(file[2]!));
    const m = API_PATH.exec(url.pathname);
    if (!m) return envelope({ ok: false, error_code: 404, description: "Not Found" }, 404);
    if (m[1] !== world.token) return envelope({ ok: false, error_code: 401, description: "Unauthorized" }, 401);
    const def = METHODS.get(m[2]!.toLowerCase());
    const res = def
      ? await call(world, def, req, url)
      : envelope({ ok: false, error_code: 404, description: "Not Found: method not found" }, 404);
    world.requests.push({ method: def?.name ?? m[2]!, status: res.status, at: Date.now() });
    if (world.requests.length > MAX_REQUEST_LOG) world.requests.shift();
    return res;
  };
}
