// The rights matrix's targets: for each kind of thing a route acts on (rights.ts), the concrete ones in the security
// world — with what the rules need to know about them and the route parameters that name them.
import { eq } from "drizzle-orm";
import { labels, messages, quickReplies, sessions } from "../../src/db/schema/index.ts";
import type { Rights } from "../../src/auth/permissions.ts";
import type { SessionUser } from "../../src/auth/sessions.ts";
import { SESSION_COOKIE } from "../../src/auth/cookies.ts";
import { createUserManager } from "../../src/users/manage.ts";
import type { Agent } from "../support/app.ts";
import type { Target, TargetKind } from "./rights.ts";
import { ACCESS, type Role, type Side, type Subject, type World } from "./world.ts";

export type Actor = Exclude<Role, "anon">;
export const ACTORS: Actor[] = ["admin", "userManagerA", "managerA", "managerB", "agentA", "nobody"];

/** The world as the matrix sees it: every user's rights as they were before any probe, and each actor's own sent messages. */
export interface RightsWorld {
  w: World;
  people: Record<Actor | Subject, SessionUser>;
  /** Per actor and number: a message it sent (through the outbox to the fake Green-API) for each of edit and delete. */
  own: Record<Actor, Partial<Record<Side, { edit: number; delete: number }>>>;
}

/** A target with the route parameters naming it. */
export interface Case extends Target {
  params: Record<string, string>;
  /** Makes the target anew just before each request (a session, an object the permitted call deletes); returns its params. */
  fresh?: () => Promise<Record<string, string>>;
}

/** The session id inside an agent's session cookie (`id.secret`). */
function sessionIdOf(agent: Agent): string {
  return agent.cookies.get(SESSION_COOKIE)!.split(".")[0]!;
}

async function sessionUserOf(w: World, id: number): Promise<SessionUser> {
  const u = (await createUserManager(w.app.deps.db, w.app.deps.users).get(id))!;
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    isAdmin: u.isAdmin,
    canManageUsers: u.canManageUsers,
    canManageInstances: u.canManageInstances,
    locale: null,
    instanceIds: u.instanceIds,
  };
}

/** Each actor who may write in a number sends two messages there through HTTP; the outbox delivers them to the fake. */
export async function prepare(w: World): Promise<RightsWorld> {
  const people = {} as RightsWorld["people"];
  for (const [who, id] of [...Object.entries(w.userIds), ...Object.entries(w.subjectIds)])
    people[who as Actor | Subject] = await sessionUserOf(w, id);
  const sent: { actor: Actor; side: Side; use: "edit" | "delete"; res: Promise<Response> }[] = [];
  for (const actor of ACTORS) {
    for (const side of ACCESS[actor]) {
      for (const use of ["edit", "delete"] as const) {
        const path = `/instances/${w[side].instanceId}/chats/${w[side].chatId}/messages`;
        sent.push({
          actor,
          side,
          use,
          res: w.agents[actor].post(
            path,
            { text: `${actor} writes to ${side}` },
            { headers: { accept: "application/json" } },
          ),
        });
      }
    }
  }
  const own = Object.fromEntries(ACTORS.map((a) => [a, {}])) as RightsWorld["own"];
  for (const s of sent) {
    const res = await s.res;
    if (res.status !== 201) throw new Error(`${s.actor} could not send in ${s.side}: ${res.status}`);
    const { id } = (await res.json()) as { id: number };
    (own[s.actor][s.side] ??= { edit: 0, delete: 0 })[s.use] = id;
  }
  w.app.deps.outbox.start();
  const idle = await w.app.deps.outbox.idle(20_000);
  await w.app.deps.outbox.stop();
  if (!idle) throw new Error("the outbox did not deliver the actors' messages");
  return { w, people, own };
}

const rightsOf = (u: SessionUser): Rights => ({
  isAdmin: u.isAdmin,
  canManageUsers: u.canManageUsers,
  canManageInstances: u.canManageInstances,
  instanceIds: [...u.instanceIds],
});

/** Rights a new user would get, as a SessionUser (the rules take one). */
const wanted = (name: string, r: Partial<Rights>): SessionUser => ({
  id: 0,
  username: name,
  displayName: name,
  isAdmin: false,
  canManageUsers: false,
  canManageInstances: false,
  locale: null,
  instanceIds: [],
  ...r,
});

let serial = 0;
/** A name no probe used before (usernames, label names, quick reply codes). */
export const unique = (prefix: string) => `${prefix}${++serial}`;

/** The targets of a kind for one actor; `route` picks the actor's own message for edit or for delete. */
export function targetsOf(kind: TargetKind, rw: RightsWorld, actor: Actor, route: string): Case[] {
  const { w, people } = rw;
  const { A, B } = w;
  const db = w.app.deps.db;
  const me = people[actor];
  switch (kind) {
    case "self":
      return [{ name: "oneself", params: {} }];
    case "account":
      return [{ name: "the account", params: {} }];
    case "session":
      return [
        {
          name: "another session of one's own",
          sessionOf: me.id,
          current: false,
          params: {},
          fresh: async () => ({ sessionId: sessionIdOf(await w.sessionFor(me.id)) }),
        },
        {
          name: "the session in use",
          sessionOf: me.id,
          current: true,
          params: {},
          fresh: async () => ({ sessionId: sessionIdOf(w.agents[actor]) }),
        },
        {
          name: "someone else's session (an admin's)",
          sessionOf: people.chief.id,
          params: {},
          fresh: async () => {
            const [row] = await db
              .select({ id: sessions.id })
              .from(sessions)
              .where(eq(sessions.userId, people.chief.id))
              .limit(1);
            return { sessionId: row!.id };
          },
        },
      ];
    case "user":
    case "userForm": {
      const users: [string, SessionUser][] = [
        ["an admin", people.chief],
        ["oneself", me],
        ["an agent of A (within a user manager of A's reach)", people.peerA],
        ["a number manager of A (a right beyond a user manager's)", people.leadA],
        ["an agent of B", people.peerB],
      ];
      const cases: Case[] = users.map(([name, user]) => ({
        name,
        user,
        form: rightsOf(user),
        isSelf: user.id === me.id,
        params: { userId: String(user.id) },
      }));
      if (kind === "userForm") {
        const spare = people.spareA;
        cases.push({
          name: "an agent of A, given number B too",
          user: spare,
          form: { ...rightsOf(spare), instanceIds: [A.instanceId, B.instanceId] },
          isSelf: false,
          params: { userId: String(spare.id) },
        });
      }
      return cases;
    }
    case "newUser":
      return [
        { name: "an agent of A", user: wanted("agent of A", { instanceIds: [A.instanceId] }), params: {} },
        { name: "an agent of B", user: wanted("agent of B", { instanceIds: [B.instanceId] }), params: {} },
        {
          name: "a number manager of A",
          user: wanted("number manager of A", { canManageInstances: true, instanceIds: [A.instanceId] }),
          params: {},
        },
        {
          name: "a user manager of A",
          user: wanted("user manager of A", { canManageUsers: true, instanceIds: [A.instanceId] }),
          params: {},
        },
        { name: "an admin", user: wanted("admin", { isAdmin: true }), params: {} },
      ];
    case "number":
      return (["A", "B"] as const).map((s) => ({
        name: `number ${s}`,
        instanceId: w[s].instanceId,
        params: { instanceId: String(w[s].instanceId) },
      }));
    case "chat":
      return [
        chatCase("A's chat", A, A),
        chatCase("B's chat", B, B),
        chatCase("B's chat under A's URL", A, B),
        chatCase("A's chat under B's URL", B, A),
      ];
    case "assignee":
      return [
        { ...chatCase("A's chat to an agent of A", A, A), assignee: people.peerA },
        { ...chatCase("A's chat to an agent of B", A, A), assignee: people.peerB },
        { ...chatCase("B's chat to an agent of B", B, B), assignee: people.peerB },
        { ...chatCase("B's chat under A's URL to an agent of A", A, B), assignee: people.peerA },
      ];
    case "sentMessage": {
      const use = route.endsWith("/delete") ? "delete" : "edit";
      const mine = (["A", "B"] as const).flatMap((s) => {
        const id = rw.own[actor][s]?.[use];
        return id ? [messageCase(`its own message in ${s}`, w[s], w[s], id, me.id)] : [];
      });
      return [
        ...mine,
        messageCase("a colleague's message in A", A, A, A.colleagueMessageId, people.chief.id),
        messageCase("a colleague's message in B", B, B, B.colleagueMessageId, people.chief.id),
        messageCase("B's message under A's chat", A, B, B.colleagueMessageId, people.chief.id, A.chatId),
      ];
    }
    case "failedSend": {
      const failed = (name: string, url: typeof A, of: typeof A, chatId = of.chatId): Case => ({
        ...messageCase(name, url, of, of.failedSendId, people.chief.id, chatId),
        fresh: async () => {
          await db.update(messages).set({ status: "failed" }).where(eq(messages.id, of.failedSendId));
          return {};
        },
      });
      return [
        failed("a failed send in A", A, A),
        failed("a failed send in B", B, B),
        failed("B's failed send under A's chat", A, B, A.chatId),
      ];
    }
    case "failedMedia": {
      const media = (name: string, url: typeof A, of: typeof A): Case => ({
        name,
        instanceId: url.instanceId,
        objectInstanceId: of.instanceId,
        params: { instanceId: String(url.instanceId), messageId: String(of.failedMediaId) },
        fresh: async () => {
          await db
            .update(messages)
            .set({ media: { kind: "image", state: "failed", error: "gone" } })
            .where(eq(messages.id, of.failedMediaId));
          return {};
        },
      });
      return [media("A's file", A, A), media("B's file", B, B), media("B's file under A's URL", A, B)];
    }
    case "replyScope":
      return [
        { name: "number A", instanceId: A.instanceId, params: {} },
        { name: "number B", instanceId: B.instanceId, params: {} },
        { name: "every number (global)", instanceId: null, params: {} },
      ];
    case "quickReply":
      return (
        [
          ["A's", A.instanceId],
          ["B's", B.instanceId],
          ["a global", null],
        ] as const
      ).map(([name, scope]) => ({
        name: `${name} quick reply`,
        instanceId: scope,
        params: {},
        fresh: async () => {
          const [row] = await db
            .insert(quickReplies)
            .values({ instanceId: scope, code: unique("qr"), text: "a reply" })
            .returning({ id: quickReplies.id });
          return { id: String(row!.id) };
        },
      }));
    case "label":
      return [
        {
          name: "a label",
          params: {},
          fresh: async () => {
            const [row] = await db
              .insert(labels)
              .values({ name: unique("label "), color: "#112233" })
              .returning({ id: labels.id });
            return { id: String(row!.id) };
          },
        },
      ];
    case "contact":
      return [
        { name: "a contact of A's chats", contactInstances: [A.instanceId], params: { id: String(A.contactId) } },
        { name: "a contact of B's chats", contactInstances: [B.instanceId], params: { id: String(B.contactId) } },
      ];
  }
}

type SideObjects = World["A"];

function chatCase(name: string, url: SideObjects, of: SideObjects): Case {
  return {
    name,
    instanceId: url.instanceId,
    objectInstanceId: of.instanceId,
    params: { instanceId: String(url.instanceId), chatId: String(of.chatId) },
  };
}

function messageCase(
  name: string,
  url: SideObjects,
  of: SideObjects,
  messageId: number,
  sentBy: number,
  chatId = of.chatId,
): Case {
  return {
    name,
    instanceId: url.instanceId,
    objectInstanceId: of.instanceId,
    sentBy,
    params: { instanceId: String(url.instanceId), chatId: String(chatId), messageId: String(messageId) },
  };
}
