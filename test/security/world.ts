// The security suites' world: two numbers (A, B) on a fake Green-API with marked data, users in every role signed in,
// users to act on (an admin, teammates inside and outside a user manager's reach), objects to fill route params.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chats, contacts, instances, messages, quickReplies, labels } from "../../src/db/schema/index.ts";
import { startFastFake, newInstance } from "../fakes/green-api/testkit.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { SESSION_COOKIE } from "../../src/auth/cookies.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, WEBHOOK_TOKEN } from "../support/fixtures.ts";

export const PASSWORD = "password-1";
/** Every Green-API limit × this, in the fake and in the app's rate limiter alike (permitted probes call Green-API). */
const RATE_SCALE = 20;
export type Role = "admin" | "userManagerA" | "managerA" | "agentA" | "managerB" | "nobody" | "anon";
export type Side = "A" | "B";
/** Users acted on, never acting: an admin, an agent and a number manager of A, an agent of B, and a spare agent of A. */
export type Subject = "chief" | "peerA" | "leadA" | "peerB" | "spareA";

/** Strings that only the pages of one instance may show. */
export const MARKERS: Record<Side, string[]> = {
  A: [
    "AlphaSecretInstance",
    "AlphaSecretChat",
    "AlphaSecretMessage",
    "AlphaSecretContact",
    "AlphaSecretReply",
    "alpha-secret-file.png",
  ],
  B: [
    "BravoSecretInstance",
    "BravoSecretChat",
    "BravoSecretMessage",
    "BravoSecretContact",
    "BravoSecretReply",
    "bravo-secret-file.png",
  ],
};

/** Which instances each role may see. */
export const ACCESS: Record<Role, Side[]> = {
  admin: ["A", "B"],
  userManagerA: ["A"],
  managerA: ["A"],
  agentA: ["A"],
  managerB: ["B"],
  nobody: [],
  anon: [],
};

export interface SideObjects {
  instanceId: number;
  idInstance: number;
  name: string;
  chatId: number;
  waChatId: string;
  /** A message with a stored image. */
  messageId: number;
  /** A message whose media download failed (retry). */
  failedMediaId: number;
  /** A colleague's (the chief's) text, sent and delivered. */
  colleagueMessageId: number;
  /** A colleague's send that failed (resend). */
  failedSendId: number;
  contactId: number;
  quickReplyId: number;
}

export interface World {
  app: TestApp;
  fake: FakeGreenApi;
  A: SideObjects;
  B: SideObjects;
  labelId: number;
  userIds: Record<Exclude<Role, "anon">, number>;
  subjectIds: Record<Subject, number>;
  agents: Record<Role, Agent>;
  /** A new agent with a session of its own for the user (made directly, no password check). */
  sessionFor(userId: number): Promise<Agent>;
  /** Gives the role's agent a new session (after a probe ended its sessions). */
  relogin(role: Exclude<Role, "anon">): Promise<void>;
  stop(): Promise<void>;
}

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const USERNAMES: Record<Exclude<Role, "anon"> | Subject, string> = {
  admin: "admin",
  userManagerA: "user-manager-a",
  managerA: "manager-a",
  agentA: "agent-a",
  managerB: "manager-b",
  nobody: "nobody",
  chief: "chief",
  peerA: "peer-a",
  leadA: "lead-a",
  peerB: "peer-b",
  spareA: "spare-a",
};

async function side(
  app: TestApp,
  fake: FakeGreenApi,
  name: "Alpha" | "Bravo",
  phone: string,
  chiefId: number,
): Promise<SideObjects> {
  const { db } = app.deps;
  const created = newInstance(fake);
  const [inst] = await db
    .insert(instances)
    .values({
      name: `${name}SecretInstance`,
      idInstance: created.idInstance,
      apiToken: created.apiTokenInstance,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: WEBHOOK_TOKEN,
      state: "authorized",
      wid: `7900${created.idInstance}@c.us`,
    })
    .returning({ id: instances.id, idInstance: instances.idInstance });
  const instanceId = inst!.id;
  const waChatId = `${phone}@c.us`;
  const [chat] = await db
    .insert(chats)
    .values({
      instanceId,
      waChatId,
      name: `${name}SecretChat`,
      lastMessagePreview: `${name}SecretMessage`,
      unreadCount: 1,
      lastMessageAt: new Date(),
    })
    .returning();
  const chatId = chat!.id;
  const tag = name.toUpperCase();
  await db.insert(messages).values({
    instanceId,
    chatId,
    idMessage: `${tag}TEXT1`,
    direction: "in",
    via: "whatsapp",
    type: "textMessage",
    text: `${name}SecretMessage`,
  });
  // Bytes unique to the side, so each file has its own sha256.
  const stored = await app.deps.media.store.store(Buffer.concat([PNG, Buffer.from(name)]), {
    fileName: "x.png",
    mimeType: "image/png",
  });
  const image = {
    kind: "image" as const,
    sha256: stored.sha256,
    size: stored.size,
    mimeType: "image/png",
    fileName: `${name.toLowerCase()}-secret-file.png`,
    thumbnail: PNG.toString("base64"),
  };
  const [media, failedMedia, colleague, failedSend] = await db
    .insert(messages)
    .values([
      {
        instanceId,
        chatId,
        idMessage: `${tag}IMG1`,
        direction: "in",
        via: "whatsapp",
        type: "imageMessage",
        text: null,
        media: { ...image, state: "ready" },
      },
      {
        instanceId,
        chatId,
        idMessage: `${tag}IMG2`,
        direction: "in",
        via: "whatsapp",
        type: "imageMessage",
        text: null,
        media: { kind: "image", state: "failed", error: "gone" },
      },
      {
        instanceId,
        chatId,
        idMessage: `BAE5${tag}0000001`,
        direction: "out",
        via: "web",
        type: "textMessage",
        text: `${name}SecretMessage`,
        status: "delivered",
        senderUserId: chiefId,
      },
      {
        instanceId,
        chatId,
        direction: "out",
        via: "web",
        type: "textMessage",
        text: `${name}SecretMessage`,
        status: "failed",
        failReason: "test",
        senderUserId: chiefId,
        idempotencyKey: `${tag}-failed`,
      },
    ])
    .returning({ id: messages.id });
  const [contact] = await db
    .insert(contacts)
    .values({ phone, waName: `${name}SecretContact`, name: `${name}SecretContact` })
    .returning();
  const [reply] = await db
    .insert(quickReplies)
    .values({ instanceId, code: name.toLowerCase(), text: `${name}SecretReply` })
    .returning();
  return {
    instanceId,
    idInstance: inst!.idInstance,
    name: `${name}SecretInstance`,
    chatId,
    waChatId,
    messageId: media!.id,
    failedMediaId: failedMedia!.id,
    colleagueMessageId: colleague!.id,
    failedSendId: failedSend!.id,
    contactId: contact!.id,
    quickReplyId: reply!.id,
  };
}

export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  await resetDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "gi-sec-"));
  const fake = startFastFake({ rateScale: RATE_SCALE });
  const app = await startTestApp({ DATA_DIR: dataDir, ...env }, undefined, { greenApiRateScale: RATE_SCALE });
  const { users, db } = app.deps;
  const create = (
    who: keyof typeof USERNAMES,
    rights: { isAdmin?: boolean; canManageUsers?: boolean; canManageInstances?: boolean } = {},
  ) => users.create({ username: USERNAMES[who], password: PASSWORD, ...rights });
  const subjects = {
    chief: await create("chief", { isAdmin: true }),
    peerA: await create("peerA"),
    leadA: await create("leadA", { canManageInstances: true }),
    peerB: await create("peerB"),
    spareA: await create("spareA"),
  };
  const A = await side(app, fake, "Alpha", "79001110001", subjects.chief.id);
  const B = await side(app, fake, "Bravo", "79002220002", subjects.chief.id);
  const [label] = await db.insert(labels).values({ name: "Shared label", color: "#336699" }).returning();
  // A global quick reply (code "everyone"), for a refused overwrite to aim at.
  await db.insert(quickReplies).values({ instanceId: null, code: "everyone", text: "Global reply" });
  const made = {
    admin: await create("admin", { isAdmin: true }),
    userManagerA: await create("userManagerA", { canManageUsers: true }),
    managerA: await create("managerA", { canManageInstances: true }),
    agentA: await create("agentA"),
    managerB: await create("managerB", { canManageInstances: true }),
    nobody: await create("nobody"),
  };
  for (const id of [
    made.userManagerA.id,
    made.managerA.id,
    made.agentA.id,
    subjects.peerA.id,
    subjects.leadA.id,
    subjects.spareA.id,
  ])
    await grant(db, id, A.instanceId);
  for (const id of [made.managerB.id, subjects.peerB.id]) await grant(db, id, B.instanceId);
  async function sessionFor(userId: number): Promise<Agent> {
    const agent = new Agent(app.url);
    agent.cookies.set(SESSION_COOKIE, (await app.deps.sessions.create(userId, { userAgent: "security-world" })).token);
    return agent;
  }
  // The admin signs in through the form; the other roles' sessions are made directly (no password hashing each time).
  const agents = { anon: new Agent(app.url), admin: new Agent(app.url) } as Record<Role, Agent>;
  if ((await agents.admin.login(USERNAMES.admin, PASSWORD)).status !== 303)
    throw new Error("the admin could not sign in");
  for (const role of Object.keys(made) as (keyof typeof made)[])
    if (role !== "admin") agents[role] = await sessionFor(made[role].id);
  // Each subject has a session too, so ending someone's sessions would show in the database.
  for (const who of Object.values(subjects)) await sessionFor(who.id);
  const userIds = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.id])) as World["userIds"];
  const subjectIds = Object.fromEntries(Object.entries(subjects).map(([k, v]) => [k, v.id])) as World["subjectIds"];
  return {
    app,
    fake,
    A,
    B,
    labelId: label!.id,
    userIds,
    subjectIds,
    agents,
    sessionFor,
    async relogin(role) {
      agents[role] = await sessionFor(userIds[role]);
    },
    async stop() {
      await app.stop();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same signed-in users against another server over the same database (the sessions are in the database). */
export function agentsFor(world: World, base: string): Record<Role, Agent> {
  const out = {} as Record<Role, Agent>;
  for (const [role, agent] of Object.entries(world.agents) as [Role, Agent][]) {
    out[role] = new Agent(base);
    for (const [k, v] of agent.cookies) out[role].cookies.set(k, v);
  }
  return out;
}
