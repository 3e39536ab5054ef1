// The access-matrix world: two instances with marked data, users in every role, signed in; objects to fill route params.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { chats, contacts, instances, messages, quickReplies, labels } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

export const PASSWORD = "password-1";
export type Role = "admin" | "managerA" | "agentA" | "managerB" | "nobody" | "anon";
export type Side = "A" | "B";

/** Strings that only the pages of one instance may show. */
export const MARKERS: Record<Side, string[]> = {
  A: ["AlphaSecretInstance", "AlphaSecretChat", "AlphaSecretMessage", "AlphaSecretContact", "AlphaSecretReply", "alpha-secret-file.png"],
  B: ["BravoSecretInstance", "BravoSecretChat", "BravoSecretMessage", "BravoSecretContact", "BravoSecretReply", "bravo-secret-file.png"],
};

/** Which instances each role may see. */
export const ACCESS: Record<Role, Side[]> = { admin: ["A", "B"], managerA: ["A"], agentA: ["A"], managerB: ["B"], nobody: [], anon: [] };

export interface SideObjects {
  instanceId: number;
  idInstance: number;
  chatId: number;
  waChatId: string;
  /** A message with a stored image. */
  messageId: number;
  contactId: number;
  quickReplyId: number;
}

export interface World {
  app: TestApp;
  dataDir: string;
  A: SideObjects;
  B: SideObjects;
  labelId: number;
  userIds: Record<Exclude<Role, "anon">, number>;
  agents: Record<Role, Agent>;
}

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

async function side(app: TestApp, name: "Alpha" | "Bravo", phone: string): Promise<SideObjects> {
  const { db } = app.deps;
  const instanceId = await insertInstance(db, `${name}SecretInstance`);
  const [inst] = await db.select({ idInstance: instances.idInstance }).from(instances).where(eq(instances.id, instanceId));
  const waChatId = `${phone}@c.us`;
  const [chat] = await db.insert(chats).values({ instanceId, waChatId, name: `${name}SecretChat`, lastMessagePreview: `${name}SecretMessage`, unreadCount: 1, lastMessageAt: new Date() }).returning();
  await db.insert(messages).values({ instanceId, chatId: chat!.id, idMessage: `${name.toUpperCase()}TEXT1`, direction: "in", via: "whatsapp", type: "textMessage", text: `${name}SecretMessage` });
  // Bytes unique to the side, so each file has its own sha256.
  const stored = await app.deps.media.store.store(Buffer.concat([PNG, Buffer.from(name)]), { fileName: "x.png", mimeType: "image/png" });
  const [media] = await db
    .insert(messages)
    .values({
      instanceId, chatId: chat!.id, idMessage: `${name.toUpperCase()}IMG1`, direction: "in", via: "whatsapp", type: "imageMessage", text: null,
      media: { kind: "image", state: "ready", sha256: stored.sha256, size: stored.size, mimeType: "image/png", fileName: `${name.toLowerCase()}-secret-file.png`, thumbnail: PNG.toString("base64") },
    })
    .returning();
  const [contact] = await db.insert(contacts).values({ phone, waName: `${name}SecretContact`, name: `${name}SecretContact` }).returning();
  const [reply] = await db.insert(quickReplies).values({ instanceId, code: name.toLowerCase(), text: `${name}SecretReply` }).returning();
  return { instanceId, idInstance: inst!.idInstance, chatId: chat!.id, waChatId, messageId: media!.id, contactId: contact!.id, quickReplyId: reply!.id };
}

export async function buildWorld(env: Record<string, string> = {}): Promise<World> {
  await resetDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "gi-sec-"));
  const app = await startTestApp({ DATA_DIR: dataDir, ...env });
  const A = await side(app, "Alpha", "79001110001");
  const B = await side(app, "Bravo", "79002220002");
  const [label] = await app.deps.db.insert(labels).values({ name: "Shared label", color: "#336699" }).returning();
  const { users, db } = app.deps;
  const made = {
    admin: await users.create({ username: "admin", password: PASSWORD, isAdmin: true }),
    managerA: await users.create({ username: "manager-a", password: PASSWORD, canManageInstances: true }),
    agentA: await users.create({ username: "agent-a", password: PASSWORD }),
    managerB: await users.create({ username: "manager-b", password: PASSWORD, canManageInstances: true }),
    nobody: await users.create({ username: "nobody", password: PASSWORD }),
  };
  await grant(db, made.managerA.id, A.instanceId);
  await grant(db, made.agentA.id, A.instanceId);
  await grant(db, made.managerB.id, B.instanceId);
  const agents = { anon: new Agent(app.url) } as Record<Role, Agent>;
  for (const role of Object.keys(made) as (keyof typeof made)[]) {
    agents[role] = new Agent(app.url);
    const res = await agents[role].login(made[role].username, PASSWORD);
    if (res.status !== 303) throw new Error(`${role} could not sign in: ${res.status}`);
  }
  const userIds = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.id])) as World["userIds"];
  return { app, dataDir, A, B, labelId: label!.id, userIds, agents };
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
