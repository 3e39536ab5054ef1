// The access matrix as a check over any app's routing table: (admin, user manager of A, manager of A, agent of A,
// manager of B, user with no instances, signed out) × every page, partial, media file and action. Returns the cells
// that are wrong. (Who may change what, between rights rather than numbers: rights.ts.)
import { INSTANCE_SCOPE } from "../../src/auth/instance-gate.ts";
import type { Agent } from "../support/app.ts";
import { ACCESS, MARKERS, type Role, type Side, type World } from "./world.ts";

export interface Route {
  method: string;
  path: string;
}

/** Routes anyone may call (tested by routes.test.ts), and the SSE stream (tested on its own). */
export function isPublic(path: string): boolean {
  return (
    ["/login", "/setup", "/healthz", "/readyz", "/metrics", "/events", "/sw.js"].includes(path) ||
    /^\/(login|public|webhooks)\//.test(path)
  );
}

/** The routes of an app (a Hono app's `routes`), each method and path once. */
export function routesOf(app: { routes: readonly Route[] }): Route[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== "ALL" && !r.path.endsWith("*"))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && Boolean(seen.add(`${r.method} ${r.path}`)))
    .map((r) => ({ method: r.method, path: r.path }));
}

export const isScoped = (path: string) => path.startsWith(INSTANCE_SCOPE);
/** Route parameters other than the instance (a chat, a message, a contact…). */
const hasObjectParams = (path: string) => /:(?!instanceId\b)\w+/.test(path);

/** Fills the parameters: the instance of `instanceSide`, the objects (chat, message, contact, reply) of `objectSide`. */
function fill(path: string, w: World, instanceSide: Side, objectSide: Side = instanceSide): string {
  const o = w[objectSide];
  return path
    .replace(/:instanceId(\{[^}]*\})?/, String(w[instanceSide].instanceId))
    .replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_, name: string) => {
      if (/^chat/i.test(name)) return String(o.chatId);
      if (/^(message|media|file)/i.test(name)) return String(o.messageId);
      if (/^contact/i.test(name)) return String(o.contactId);
      if (/^(quickReply|reply)/i.test(name)) return String(o.quickReplyId);
      if (/^label/i.test(name)) return String(w.labelId);
      if (/^user/i.test(name)) return String(objectSide === "A" ? w.subjectIds.peerA : w.subjectIds.peerB);
      if (/^session/i.test(name)) return "a".repeat(24);
      return "1";
    });
}

/** Account-wide pages and actions that need a capability (the rest of the account-wide pages are open to every user). */
const CAPABILITY: Record<string, "admin" | "manageUsers" | "manageInstances"> = {
  "GET /users": "manageUsers",
  "GET /users/list": "manageUsers",
  "GET /users/new": "manageUsers",
  "GET /users/:userId{[0-9]+}/edit": "manageUsers",
  "POST /users": "manageUsers",
  "POST /users/:userId{[0-9]+}": "manageUsers",
  "POST /users/:userId/logout-all": "manageUsers",
  "GET /audit": "admin",
  "GET /backups": "admin",
  "GET /instances/new": "manageInstances",
  "POST /instances/new": "manageInstances",
  // Team workflow: quick replies are managed by instance managers, labels by admins.
  "GET /quick-replies": "manageInstances",
  "POST /quick-replies": "manageInstances",
  "POST /quick-replies/:id{[0-9]+}/delete": "manageInstances",
  "GET /labels": "admin",
  "POST /labels": "admin",
  "POST /labels/:id{[0-9]+}/delete": "admin",
};

/**
 * Instance actions that also need "manage instances" (an agent of A gets 403). The matching pages (edit, connect)
 * open read-only for agents: no token, no QR code.
 */
const MANAGE_ONLY = new Set<string>([
  "POST /instances/:instanceId{[0-9]+}/edit",
  "POST /instances/:instanceId{[0-9]+}/delete",
  "POST /instances/:instanceId{[0-9]+}/logout",
  "POST /instances/:instanceId{[0-9]+}/reboot",
  "POST /instances/:instanceId{[0-9]+}/connect/code",
  "POST /instances/:instanceId{[0-9]+}/team-settings",
]);

const HOLDS: Record<Role, Set<string>> = {
  admin: new Set(["admin", "manageUsers", "manageInstances"]),
  userManagerA: new Set(["manageUsers"]),
  managerA: new Set(["manageInstances"]),
  agentA: new Set(),
  managerB: new Set(["manageInstances"]),
  nobody: new Set(),
  anon: new Set(),
};

const ROLES: Role[] = ["admin", "userManagerA", "managerA", "agentA", "managerB", "nobody", "anon"];
const SIDES: Side[] = ["A", "B"];
/** A body for refused actions: if any of it lands, the state check after the matrix notices. */
const PROBE_BODY = {
  text: "matrix-should-never-land",
  caption: "matrix-should-never-land",
  name: "matrix-should-never-land",
  to: "+7 900 000-00-00",
  code: "matrix",
  displayName: "matrix-should-never-land",
};

function leaks(role: Role, body: string): string[] {
  return SIDES.filter((s) => !ACCESS[role].includes(s)).flatMap((s) => MARKERS[s].filter((m) => body.includes(m)));
}

/**
 * Every GET route for every role, on both instances, as a full page and as an htmx partial; every state-changing
 * route for every role that must be refused. `allowMutations` false (the default) never posts as a permitted role.
 */
export async function checkMatrix(routes: Route[], agents: Record<Role, Agent>, w: World): Promise<string[]> {
  const wrong: string[] = [];
  const note = (cell: string, got: string) => wrong.push(`${cell}: ${got}`);
  for (const r of routes.filter((r) => !isPublic(r.path))) {
    const key = `${r.method} ${r.path}`;
    const scoped = isScoped(r.path);
    // Which (instance, objects) pairs to try: both instances; scoped routes with objects also mix them (B's URL, A's chat).
    const targets: [Side, Side][] =
      scoped && hasObjectParams(r.path)
        ? [
            ["A", "A"],
            ["B", "B"],
            ["B", "A"],
            ["A", "B"],
          ]
        : scoped || hasObjectParams(r.path)
          ? [
              ["A", "A"],
              ["B", "B"],
            ]
          : [["A", "A"]];
    for (const role of ROLES) {
      for (const [inst, obj] of targets) {
        const path = fill(r.path, w, inst, obj);
        const cell = `${role} ${r.method} ${path} (${key})`;
        const sees = (s: Side) => ACCESS[role].includes(s);
        const mixed = inst !== obj;
        const capability = CAPABILITY[key];
        const mayCapability = !capability || HOLDS[role].has(capability);
        const mayManage = !MANAGE_ONLY.has(key) || HOLDS[role].has("manageInstances");
        // A user of a number one may not see is that number's too (a user manager of A reaches no user of B).
        const otherNumbersUser = /:userId\b/.test(r.path) && !sees(obj);
        if (r.method === "GET") {
          for (const htmx of [false, true]) {
            const res = await agents[role].get(path, htmx ? { "hx-request": "true" } : {});
            const body = await res.text();
            const what = `${cell}${htmx ? " [htmx]" : ""}`;
            for (const m of leaks(role, body)) note(what, `shows "${m}" of an instance the user may not see`);
            if (res.status >= 500) note(what, `server error ${res.status}`);
            if (role === "anon") {
              const ok = htmx
                ? res.status === 401 && res.headers.get("hx-redirect")?.startsWith("/login")
                : res.status === 303 && res.headers.get("location")?.startsWith("/login");
              if (!ok) note(what, `anonymous got ${res.status}`);
            } else if (scoped && !sees(inst)) {
              if (res.status !== 404) note(what, `${res.status}, want 404 (not this user's instance)`);
            } else if (scoped && mixed) {
              if (res.status < 400) note(what, `${res.status}, want 4xx (the object belongs to the other instance)`);
            } else if (!mayCapability || (scoped && !mayManage)) {
              if (res.status !== 403) note(what, `${res.status}, want 403 (missing capability)`);
            } else if (otherNumbersUser) {
              if (res.status !== 404) note(what, `${res.status}, want 404 (a user of a number this user may not see)`);
            } else if (capability || scoped || !hasObjectParams(r.path)) {
              // Permitted: the page (or partial) itself must work; a link to one object may redirect to its page.
              // Account-wide pages not named in CAPABILITY may still be for some users only (403).
              const want = scoped && hasObjectParams(r.path) ? [200, 303] : !capability && !scoped ? [200, 403] : [200];
              if (!want.includes(res.status)) note(what, `${res.status}, want ${want.join("/")}`);
            }
          }
        } else {
          // Actions: only the refusals are exercised, so the matrix changes nothing.
          const refused =
            role === "anon" || (scoped && (!sees(inst) || mixed || !mayManage)) || (!scoped && !mayCapability);
          if (!refused) continue;
          const res = await agents[role].post(path, PROBE_BODY, { headers: { accept: "text/html" } });
          const body = await res.text();
          for (const m of leaks(role, body)) note(cell, `shows "${m}"`);
          const want =
            role === "anon"
              ? [401]
              : scoped && !sees(inst)
                ? [404]
                : scoped && mixed
                  ? [400, 403, 404, 409, 422]
                  : [403];
          if (!want.includes(res.status)) note(cell, `${res.status}, want ${want.join("/")}`);
        }
      }
    }
  }
  return wrong;
}
