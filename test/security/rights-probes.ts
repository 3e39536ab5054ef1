// How the rights matrix calls each state-changing route: the body for a target (when the rules refuse, one that WOULD
// change something if it got through, so the database check notices), what a permitted call answers, and what to put
// back afterwards so later probes find the world as they expect.
import { randomUUID } from "node:crypto";
import { unique, type Actor, type Case, type RightsWorld } from "./rights-targets.ts";
import { PASSWORD } from "./world.ts";

export type Body = Record<string, string | string[]> | FormData;

/** Text a refused call carries: found anywhere in the database afterwards, something got through. */
export const REFUSED_TEXT = "matrix-should-never-land";
/** Text a permitted call carries. */
const PERMITTED_TEXT = "matrix-permitted";
const text = (permitted: boolean) => (permitted ? PERMITTED_TEXT : REFUSED_TEXT);
let nextIdInstance = 7109000001;

export interface Probe {
  /** The posted body; `permitted` says whether the rules allow this cell. */
  body?: (c: Case, permitted: boolean, actor: Actor, rw: RightsWorld) => Body;
  /**
   * What a permitted call answers: status (one, or the statuses the outside world decides between), and where it
   * redirects (from the route params).
   */
  ok: { status: number | readonly number[]; to?: (p: Record<string, string>) => string | RegExp };
  /** Call from a session made for this probe alone (the call ends it). */
  freshSession?: true;
  /** After a permitted call: put back what it changed that later probes rely on. */
  after?: (c: Case, actor: Actor, rw: RightsWorld) => Promise<void>;
}

const I = "/instances/:instanceId{[0-9]+}";
const CHAT = `${I}/chats/:chatId{[0-9]+}`;
const chatUrl = (p: Record<string, string>) => `/instances/${p.instanceId}/chats/${p.chatId}`;
const number = (p: Record<string, string>) => `/instances/${p.instanceId}`;
const on = (flag: boolean) => (flag ? ["on"] : []);

/** A user form: the target's rights as posted (checkboxes and the number list). */
function userForm(c: Case, permitted: boolean): Body {
  const u = c.user!;
  const f = c.form!;
  return {
    username: u.username,
    displayName: permitted ? u.displayName : REFUSED_TEXT,
    email: "",
    isAdmin: on(f.isAdmin),
    canManageUsers: on(f.canManageUsers),
    canManageInstances: on(f.canManageInstances),
    instanceIds: f.instanceIds.map(String),
    // A refused save carries a new password: had it landed, the account would be taken over.
    password: permitted ? "" : "matrix-takeover-1",
  };
}

/** The number's settings as stored; refused, a new name. */
function instanceForm(c: Case, permitted: boolean, rw: RightsWorld): Body {
  const side = c.instanceId === rw.w.A.instanceId ? rw.w.A : rw.w.B;
  return {
    name: permitted ? side.name : REFUSED_TEXT,
    idInstance: String(side.idInstance),
    apiToken: "",
    apiUrl: rw.w.fake.url,
    mediaUrl: rw.w.fake.mediaUrl,
    intakeMode: "polling",
    telegramChatId: "",
    autoReplyText: "",
    autoReplyIntervalHours: "12",
    markReadPolicy: "onReply",
    enabled: "on",
  };
}

/** After a permitted logout or restart: the number is linked again, at Green-API and here. */
async function relink(c: Case, _actor: Actor, rw: RightsWorld): Promise<void> {
  const side = c.instanceId === rw.w.A.instanceId ? rw.w.A : rw.w.B;
  rw.w.fake.control.setState(side.idInstance, "authorized");
  await rw.w.app.deps.instances.setState(side.instanceId, "authorized");
}

export const PROBES: Record<string, Probe> = {
  "POST /logout": { freshSession: true, ok: { status: 303, to: () => "/login" } },
  "POST /settings/profile": {
    body: (_c, _p, actor, rw) => ({ displayName: rw.people[actor].displayName }),
    ok: { status: 303, to: () => "/settings" },
  },
  "POST /settings/password": {
    body: () => ({ current: PASSWORD, password: PASSWORD, confirm: PASSWORD }),
    ok: { status: 303, to: () => "/settings" },
  },
  // Telegram is off in this world: every signed-in user gets the same "not available" answer.
  "POST /settings/telegram/link": { ok: { status: 404 } },
  "POST /settings/telegram/2fa": { ok: { status: 400 } },
  "POST /settings/telegram/unlink": { ok: { status: 404 } },
  "POST /settings/locale": { body: () => ({ locale: "" }), ok: { status: 303, to: () => "/settings" } },
  "POST /settings/logout-others": { ok: { status: 303, to: () => "/settings" } },
  // The matrix posts forms without a device: the JSON routes refuse the shape (400), the settings form without an
  // endpoint too, and nothing changes; the test button with no device says so on /settings.
  // test/http/push.test.ts covers them with real subscriptions (and another user's device: 404).
  "POST /push/subscriptions": { ok: { status: 400 } },
  "POST /push/subscriptions/remove": { ok: { status: 400 } },
  "POST /push/settings": { ok: { status: 400 } },
  "POST /push/test": { ok: { status: 303, to: () => "/settings#push" } },
  "POST /settings/sessions/:sessionId{[a-z0-9]{8,64}}/end": { ok: { status: 303, to: () => "/settings" } },
  "POST /team/availability": { body: () => ({ available: "1" }), ok: { status: 303, to: () => "/chats" } },

  "POST /users": {
    body: (c, permitted) => ({
      username: unique("matrix-user-"),
      displayName: text(permitted),
      password: "matrix-password-1",
      isAdmin: on(c.user!.isAdmin),
      canManageUsers: on(c.user!.canManageUsers),
      canManageInstances: on(c.user!.canManageInstances),
      instanceIds: c.user!.instanceIds.map(String),
    }),
    ok: { status: 303, to: () => "/users" },
  },
  "POST /users/:userId{[0-9]+}": {
    body: (c, permitted) => userForm(c, permitted),
    ok: { status: 303, to: () => "/users" },
  },
  "POST /users/:userId/logout-all": {
    ok: { status: 303, to: () => "/users" },
    // Ending one's own sessions everywhere ends the matrix's too.
    after: async (c, actor, rw) => (c.isSelf ? rw.w.relogin(actor) : undefined),
  },

  "POST /backups": { ok: { status: 303, to: () => "/backups" } },
  "POST /labels": {
    body: () => ({ name: unique("matrix label "), color: "#445566" }),
    ok: { status: 303, to: () => "/labels" },
  },
  "POST /labels/:id{[0-9]+}/delete": { ok: { status: 303, to: () => "/labels" } },
  "POST /quick-replies": {
    // Refused, it would overwrite the scope's existing reply.
    body: (c, permitted, _a, rw) => ({
      instance: c.instanceId === null ? "" : String(c.instanceId),
      code: permitted
        ? unique("matrix")
        : c.instanceId === rw.w.A.instanceId
          ? "alpha"
          : c.instanceId === rw.w.B.instanceId
            ? "bravo"
            : "everyone",
      text: text(permitted),
    }),
    ok: { status: 303, to: () => "/quick-replies" },
  },
  "POST /quick-replies/:id{[0-9]+}/delete": { ok: { status: 303, to: () => "/quick-replies" } },
  "POST /contacts/:id{[0-9]+}": {
    body: (_c, permitted) => ({ name: permitted ? "A customer" : REFUSED_TEXT, notes: "", fields: "" }),
    ok: { status: 303, to: (p) => `/contacts/${p.id}` },
  },
  "POST /contacts/:id{[0-9]+}/avatar": { ok: { status: 303, to: (p) => `/contacts/${p.id}` } },

  "POST /instances/new": {
    // A number the fake knows, kept disabled (no polling starts); refused, it would have been added.
    body: (_c, permitted, _a, rw) => {
      const { idInstance } = rw.w.fake.control.createInstance({
        idInstance: nextIdInstance++,
        apiTokenInstance: "c".repeat(50),
        state: "authorized",
      });
      return {
        name: text(permitted),
        idInstance: String(idInstance),
        apiToken: "c".repeat(50),
        apiUrl: rw.w.fake.url,
        mediaUrl: rw.w.fake.mediaUrl,
        intakeMode: "polling",
        telegramChatId: "",
        autoReplyText: "",
        autoReplyIntervalHours: "12",
        markReadPolicy: "never",
        enabled: "off",
      };
    },
    ok: { status: 303, to: () => /^\/instances\/\d+$/ },
  },
  [`POST ${I}/edit`]: {
    body: (c, permitted, _a, rw) => instanceForm(c, permitted, rw),
    ok: { status: 303, to: number },
  },
  // Permitted, a wrong confirmation (nothing is deleted, the form says so); refused, the right one and "remove history".
  [`POST ${I}/delete`]: {
    body: (c, permitted, _a, rw) => ({
      confirm: permitted ? "not the name" : (c.instanceId === rw.w.A.instanceId ? rw.w.A : rw.w.B).name,
      history: "remove",
    }),
    ok: { status: 303, to: (p) => `/instances/${p.instanceId}/edit` },
  },
  [`POST ${I}/logout`]: { ok: { status: 303, to: number }, after: relink },
  [`POST ${I}/reboot`]: { ok: { status: 303, to: number }, after: relink },
  [`POST ${I}/connect/code`]: { body: () => ({ phone: "79001234567" }), ok: { status: 200 } },
  [`POST ${I}/history/start`]: { ok: { status: 303, to: number } },
  [`POST ${I}/history/cancel`]: { ok: { status: 303, to: number } },
  [`POST ${I}/quarantine/replay`]: { ok: { status: 303, to: number } },
  [`POST ${I}/team-settings`]: {
    body: (_c, permitted) => ({ autoAssign: on(!permitted), notesToTelegram: on(!permitted) }),
    ok: { status: 303, to: () => "/quick-replies" },
  },

  [`POST ${I}/messages`]: {
    body: (_c, permitted) => ({ to: "+7 900 555-00-01", text: text(permitted) }),
    ok: { status: 303, to: () => /^\/instances\/\d+\/chats\/\d+$/ },
  },
  [`POST ${CHAT}/messages`]: { body: (_c, permitted) => ({ text: text(permitted) }), ok: { status: 303, to: chatUrl } },
  [`POST ${CHAT}/files`]: {
    body: (_c, permitted) => {
      const form = new FormData();
      form.set("file", new File([text(permitted)], "matrix.txt", { type: "text/plain" }));
      form.set("caption", text(permitted));
      return form;
    },
    ok: { status: 303, to: chatUrl },
  },
  [`POST ${CHAT}/read`]: { ok: { status: 204 } },
  [`POST ${CHAT}/viewing`]: { ok: { status: 200 } },
  [`POST ${CHAT}/take`]: { ok: { status: 303, to: chatUrl } },
  [`POST ${CHAT}/assign`]: { body: (c) => ({ assignee: String(c.assignee!.id) }), ok: { status: 303, to: chatUrl } },
  [`POST ${CHAT}/status`]: { body: () => ({ status: "pending" }), ok: { status: 303, to: chatUrl } },
  [`POST ${CHAT}/labels`]: {
    body: (_c, _p, _a, rw) => ({ label: String(rw.w.labelId), on: "1" }),
    ok: { status: 303, to: chatUrl },
  },
  [`POST ${CHAT}/notes`]: {
    body: (_c, permitted) => ({ text: text(permitted), key: randomUUID() }),
    ok: { status: 303, to: chatUrl },
  },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/resend`]: { ok: { status: 303, to: chatUrl } },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/edit`]: {
    body: (_c, permitted) => ({ text: text(permitted) }),
    ok: { status: 303, to: chatUrl },
  },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/delete`]: { ok: { status: 303, to: chatUrl } },
  // Green-API (the fake) decides: it knows the messages sent through it (303 back to the chat) but not those the
  // matrix's world stored directly (502, nothing stored); test/http/reactions.test.ts covers both on purpose.
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/react`]: { body: () => ({ emoji: "👍" }), ok: { status: [303, 502] } },
  [`POST ${I}/media/:messageId{[0-9]+}/retry`]: { ok: { status: 303, to: (p) => `/instances/${p.instanceId}/chats` } },
};
