// Request pipeline of the fake: route (case-insensitive), 403/404, rate limit, faults, token, quota, phone state.
import { phoneReady } from "./instances.ts";
import { serveMedia } from "./media.ts";
import { accountMethods } from "./methods-account.ts";
import { journalMethods } from "./methods-journal.ts";
import { lookupMethods } from "./methods-lookups.ts";
import { receivingMethods } from "./methods-receiving.ts";
import { sendingMethods } from "./methods-sending.ts";
import { badRequest, CORS_HEADERS, emptyJson, json, type Ctx, type MethodDef } from "./respond.ts";
import type { LimitDecision } from "./limiter.ts";
import type { FakeInstance, World } from "./world.ts";

const METHODS = new Map<string, MethodDef & { name: string }>(
  Object.entries({
    ...accountMethods,
    ...sendingMethods,
    ...receivingMethods,
    ...journalMethods,
    ...lookupMethods,
  }).map(([name, def]) => [name.toLowerCase(), { ...def, name }]),
);

const PATH = /^\/waInstance(\d+)\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/i;
const MAX_REQUEST_LOG = 1000;

function preflight(): Response {
  return new Response(null, {
    status: 200,
    headers: {
      ...CORS_HEADERS,
      "Access-Control-Allow-Methods": "GET, POST, OPTIONS, DELETE, HEAD",
      "Access-Control-Allow-Headers":
        "DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range",
      "Access-Control-Max-Age": "1728000",
    },
  });
}

function finish(res: Response, limit: LimitDecision | null): Response {
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
  if (limit) {
    res.headers.set("X-RateLimit-Remaining", String(limit.remaining));
    res.headers.set("X-RateLimit-Replenish-Rate", String(limit.rate));
  }
  return res;
}

/** Like the real NestJS 404, the message echoes the path, token included. */
function notFound(req: Request, path: string): Response {
  return finish(json({ statusCode: 404, message: `Cannot ${req.method} ${path}`, error: "Not Found" }, 404), null);
}

async function injectFault(world: World, method: string): Promise<Response | null> {
  const f = world.faults;
  if (f.failMethods.includes(method)) return json({ statusCode: 500, message: "Internal server error" }, 500);
  const refusal = f.refuseMethods[method];
  if (refusal !== undefined) return json({ statusCode: 400, message: refusal, error: "Bad Request" }, 400);
  if (f.dropNextConnections > 0) {
    f.dropNextConnections--;
    // An errored body stream makes Bun reset the connection: the client sees a network error.
    return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
  }
  if (f.latencyMs > 0) await world.sleep(f.latencyMs);
  if (f.next5xx > 0 || (f.fail5xxRate > 0 && Math.random() < f.fail5xxRate)) {
    if (f.next5xx > 0) f.next5xx--;
    return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
      status: 502,
      headers: { "Content-Type": "text/html" },
    });
  }
  return null;
}

function quotaAnswer(inst: FakeInstance, method: string): Response {
  const description = "Monthly quota has been exceeded. To continue, upgrade your plan in the personal area";
  if (inst.quota === "correspondents") {
    return json(
      {
        invokeStatus: { method: method.toLowerCase(), used: 1, total: 1000, status: "QUOTE_ALLOWED", description: "" },
        correspondentsStatus: {
          method: "correspondents",
          used: 3,
          total: 3,
          status: "CORRESPONDENTS_QUOTE_EXCEEDED",
          description:
            "Monthly correspondents quota exceeded; you can only send or receive messages from these numbers: 79000000001@c.us,79000000002@c.us,79000000003@c.us",
        },
      },
      466,
    );
  }
  return json(
    { invokeStatus: { method: method.toLowerCase(), used: 1000, total: 1000, status: "QUOTE_EXCEEDED", description } },
    466,
  );
}

async function runMethod(
  world: World,
  inst: FakeInstance,
  def: MethodDef & { name: string },
  ctx: Ctx,
  token: string,
): Promise<Response> {
  let limit: LimitDecision | null = null;
  if (world.rateLimits) {
    // Applies before authentication, so bad-token bursts get 429 too.
    limit = world.limiter.take(inst.idInstance, def.name);
    if (!limit.allowed) return finish(emptyJson(429), limit);
  }
  const fault = await injectFault(world, def.name);
  if (fault) return fault.status >= 400 ? finish(fault, limit) : fault;
  if (token !== inst.apiTokenInstance) return finish(emptyJson(401), limit);
  if (def.quota && inst.quota) return finish(quotaAnswer(inst, def.name), limit);
  if (def.needsPhone && !phoneReady(inst)) {
    const reason =
      inst.state === "starting" ? "instance in starting process try later" : "instance is starting or not authorized";
    return finish(badRequest(ctx, reason), limit);
  }
  try {
    return finish(await def.handler(ctx), limit);
  } catch (e) {
    if (e instanceof Response) return finish(e, limit);
    return finish(
      json({ statusCode: 500, timestamp: Date.now(), path: ctx.path, message: (e as Error).message }, 500),
      limit,
    );
  }
}

/** Bun.serve fetch handler for one origin; `control` handles /__control/* on the API origin. */
export function createFetchHandler(
  world: World,
  host: "api" | "media",
  control?: (req: Request, url: URL) => Promise<Response>,
) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (req.method === "OPTIONS") return preflight();
    if (control && url.pathname.startsWith("/__control/")) return control(req, url);
    if (req.method === "GET" && url.pathname.startsWith("/files/")) return serveMedia(world, url.pathname);
    const m = PATH.exec(url.pathname);
    if (!m) return notFound(req, url.pathname);
    const inst = world.instances.get(Number(m[1]));
    // nginx answers a foreign instance id with 403 HTML and no CORS headers.
    if (!inst)
      return new Response("<html><body><h1>403 Forbidden</h1></body></html>", {
        status: 403,
        headers: { "Content-Type": "text/html" },
      });
    const def = METHODS.get(m[2]!.toLowerCase());
    if (!def || def.verb !== req.method) return notFound(req, url.pathname);
    const ctx: Ctx = { world, inst, req, url, path: url.pathname, suffix: m[4] };
    const res = await runMethod(world, inst, def, ctx, m[3]!);
    inst.requests.push({ host, method: def.name, status: res.status });
    if (inst.requests.length > MAX_REQUEST_LOG) inst.requests.shift();
    return res;
  };
}
