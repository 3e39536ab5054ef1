// The rights matrix as a check over a routing table: every state-changing route × every acting role × every target of
// the route's kind, expected answers from rights.ts. Refused cells run first (each must answer the refusal and leave
// every table of the database as it was); then permitted cells (each must answer as its probe says).
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";
import { queryRows } from "../../src/db/rows.ts";
import { Agent } from "../support/app.ts";
import { isPublic, type Route } from "./matrix.ts";
import { RIGHTS, WHO, type Refusal, type TargetKind, type Who } from "./rights.ts";
import { PROBES, type Body, type Probe } from "./rights-probes.ts";
import { ACTORS, targetsOf, type Actor, type Case, type RightsWorld } from "./rights-targets.ts";

export interface RightsTables {
  rights: Record<string, { target: TargetKind; who: Who }>;
  probes: Record<string, Probe>;
}

const keyOf = (r: Route) => `${r.method} ${r.path}`;

/** State-changing routes a signed-in user can call (sign-in, setup and webhooks are routes.test.ts's). */
export function actionsOf(routes: Route[]): Route[] {
  return routes.filter((r) => r.method !== "GET" && r.method !== "HEAD" && !isPublic(r.path));
}

/** Routes without a line in the table (or without a probe), and lines naming no route. */
export function unruled(routes: Route[], tables: RightsTables = { rights: RIGHTS, probes: PROBES }): string[] {
  const keys = new Set(actionsOf(routes).map(keyOf));
  return [
    ...[...keys].filter((k) => !tables.rights[k]).map((k) => `${k}: no line in RIGHTS (rights.ts)`),
    ...[...keys]
      .filter((k) => tables.rights[k] && !tables.probes[k])
      .map((k) => `${k}: no probe in PROBES (rights-probes.ts)`),
    ...Object.keys(tables.rights)
      .filter((k) => !keys.has(k))
      .map((k) => `${k}: in RIGHTS but no such route`),
  ];
}

interface Cell {
  route: Route;
  actor: Actor;
  target: Case;
  refusal: Refusal | null;
}

/** Every cell with its expected answer, computed before anything is called (the world as the rules saw it). */
export function plan(
  routes: Route[],
  rw: RightsWorld,
  tables: RightsTables = { rights: RIGHTS, probes: PROBES },
): Cell[] {
  const cells: Cell[] = [];
  for (const route of actionsOf(routes)) {
    const line = tables.rights[keyOf(route)];
    if (!line || !tables.probes[keyOf(route)]) continue;
    for (const actor of ACTORS) {
      for (const target of targetsOf(line.target, rw, actor, route.path)) {
        cells.push({ route, actor, target, refusal: WHO[line.who](rw.people[actor], target) });
      }
    }
  }
  return cells;
}

/** Every table's row count and a hash of its rows, in one statement. */
async function digest(db: Db): Promise<Map<string, string>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
  );
  const query = tables
    .map(
      (t) =>
        `select '${t.name}' as name, count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from "${t.name}" x`,
    )
    .join(" union all ");
  return new Map((await queryRows<{ name: string; h: string }>(db, sql.raw(query))).map((r) => [r.name, r.h]));
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}

/** A route parameter with its optional pattern, which may hold one level of braces (`{[a-z0-9]{8,64}}`). */
const PARAM = /:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g;

function fill(path: string, params: Record<string, string>): string {
  return path.replace(PARAM, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(params[name]);
  });
}

/** Sends the body as a browser form would (CSRF field, same origin), without following redirects. */
async function send(agent: Agent, method: string, path: string, body: Body): Promise<Response> {
  if (!agent.cookies.has("gi_csrf")) await agent.get("/login");
  const csrf = agent.cookies.get("gi_csrf")!;
  const headers: Record<string, string> = { origin: agent.base, accept: "text/html" };
  let payload: FormData | URLSearchParams;
  if (body instanceof FormData) {
    body.set("_csrf", csrf);
    payload = body;
  } else {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
    form.set("_csrf", csrf);
    payload = form;
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  return agent.request(path, { method, body: payload, headers });
}

function cellName(c: Cell, path: string): string {
  return `${c.actor} ${c.route.method} ${path} [${c.target.name}] (${keyOf(c.route)})`;
}

/**
 * Runs every cell against the app the agents talk to; returns the wrong ones. `agents` defaults to the world's
 * (another server over the same database may be given: the sessions are in the database).
 */
export async function checkRights(
  routes: Route[],
  rw: RightsWorld,
  opts: { tables?: RightsTables; agents?: Record<Actor, Agent> } = {},
): Promise<string[]> {
  const tables = opts.tables ?? { rights: RIGHTS, probes: PROBES };
  // The world's agents object is updated in place when a probe signs a role in again.
  const agents: Record<Actor, Agent> = opts.agents ?? rw.w.agents;
  const db = rw.w.app.deps.db;
  const wrong: string[] = [];
  const cells = plan(routes, rw, tables);

  async function call(
    c: Cell,
    permitted: boolean,
    params: Record<string, string>,
  ): Promise<{ res: Response; path: string }> {
    const probe = tables.probes[keyOf(c.route)]!;
    const path = fill(c.route.path, params);
    let agent = agents[c.actor];
    if (probe.freshSession) {
      const own = await rw.w.sessionFor(rw.people[c.actor].id);
      agent = new Agent(agent.base);
      for (const [k, v] of own.cookies) agent.cookies.set(k, v);
    }
    const res = await send(agent, c.route.method, path, probe.body?.(c.target, permitted, c.actor, rw) ?? {});
    await res.body?.cancel();
    return { res, path };
  }

  // Refusals, against the untouched world: the refusal's answer, and not one row changed anywhere.
  let before = await digest(db);
  for (const c of cells.filter((c) => c.refusal !== null)) {
    const ok = tables.probes[keyOf(c.route)]!.ok;
    const made = await c.target.fresh?.();
    if (made) before = await digest(db);
    const { res, path } = await call(c, false, { ...c.target.params, ...made });
    const want = c.refusal === "ignored" ? (ok.status as number) : c.refusal!;
    if (res.status !== want) wrong.push(`${cellName(c, path)}: ${res.status}, want ${want} (refused)`);
    const after = await digest(db);
    const changed = changedTables(before, after);
    if (changed.length) wrong.push(`${cellName(c, path)}: refused, yet changed ${changed.join(", ")}`);
    before = after;
  }

  // Permitted calls: the probe's answer (and its redirect), then whatever it must put back.
  for (const c of cells.filter((c) => c.refusal === null)) {
    const probe = tables.probes[keyOf(c.route)]!;
    const params = { ...c.target.params, ...(await c.target.fresh?.()) };
    const { res, path } = await call(c, true, params);
    const to = probe.ok.to?.(params);
    const location = res.headers.get("location") ?? "";
    const statuses: readonly number[] = Array.isArray(probe.ok.status) ? probe.ok.status : [probe.ok.status];
    if (!statuses.includes(res.status))
      wrong.push(`${cellName(c, path)}: ${res.status}, want ${statuses.join(" or ")} (permitted)`);
    else if (to !== undefined && !(typeof to === "string" ? location === to : to.test(location)))
      wrong.push(`${cellName(c, path)}: to ${location}, want ${to}`);
    await probe.after?.(c.target, c.actor, rw);
  }
  return wrong;
}

/** How many cells of each outcome a plan has (the test states the matrix is not empty or one-sided). */
export function census(cells: Cell[]): { refused: number; permitted: number } {
  return {
    refused: cells.filter((c) => c.refusal !== null).length,
    permitted: cells.filter((c) => c.refusal === null).length,
  };
}
