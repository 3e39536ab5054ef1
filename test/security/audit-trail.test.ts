// The audit log records what the team does to conversations and data through HTTP: message edits and deletes, takes,
// assignments, transfers and unassignments, backup downloads — who, what, from where, with ids only (never the text).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq, like } from "drizzle-orm";
import { auditLog, chats, instances, messages, userInstances } from "../../src/db/schema/index.ts";
import { startFastFake, newInstance } from "../fakes/green-api/testkit.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

const CUSTOMER = "79001230077@c.us";
const SECRET_TEXT = "audit-secret-text";
const NOTE = "audit-secret-note";
const dataDir = mkdtempSync(join(tmpdir(), "gi-audit-trail-"));
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let chatId: number;
const ids = { boss: 0, anna: 0, boris: 0 };
let boss: Agent;
let anna: Agent;

/** The newest audit rows of an action. */
async function entries(action: string) {
  return app.deps.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id));
}

beforeAll(async () => {
  await resetDatabase();
  fake = startFastFake();
  const inst = newInstance(fake);
  // Every request comes through one trusted proxy, so the IP the audit log keeps is the forwarded one.
  app = await startTestApp({ DATA_DIR: dataDir, TRUST_PROXY: "1" });
  const { db, users } = app.deps;
  const [row] = await db
    .insert(instances)
    .values({
      name: "Sales",
      idInstance: inst.idInstance,
      apiToken: inst.apiTokenInstance,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: "w".repeat(24),
      state: "authorized",
    })
    .returning();
  instanceId = row!.id;
  const [chat] = await db
    .insert(chats)
    .values({ instanceId, waChatId: CUSTOMER, name: "Carol", lastMessageAt: new Date() })
    .returning();
  chatId = chat!.id;
  ids.boss = (await users.create({ username: "boss", displayName: "Boss", password: "password-1", isAdmin: true })).id;
  ids.anna = (await users.create({ username: "anna", displayName: "Anna", password: "password-1" })).id;
  ids.boris = (await users.create({ username: "boris", displayName: "Boris", password: "password-1" })).id;
  await db.insert(userInstances).values([
    { userId: ids.anna, instanceId },
    { userId: ids.boris, instanceId },
  ]);
  boss = new Agent(app.url, { "x-forwarded-for": "203.0.113.7" });
  anna = new Agent(app.url, { "x-forwarded-for": "203.0.113.8" });
  expect((await boss.login("boss", "password-1")).status).toBe(303);
  expect((await anna.login("anna", "password-1")).status).toBe(303);
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("audit trail", () => {
  test("editing and deleting one's message are audited with the message's ids, never its text", async () => {
    const sent = await anna.post(
      `/instances/${instanceId}/chats/${chatId}/messages`,
      { text: SECRET_TEXT },
      { headers: { accept: "application/json" } },
    );
    const { id } = (await sent.json()) as { id: number };
    expect(await app.deps.outbox.idle(10_000)).toBe(true);
    const base = `/instances/${instanceId}/chats/${chatId}/messages/${id}`;

    expect((await anna.post(`${base}/edit`, { text: `${SECRET_TEXT} (edited)` })).status).toBe(303);
    const [edited] = await entries("message.edited");
    expect(edited).toMatchObject({
      userId: ids.anna,
      actor: "anna",
      ip: "203.0.113.8",
      target: `message:${id}`,
      details: { instanceId, chatId },
    });

    expect((await anna.post(`${base}/delete`, {})).status).toBe(303);
    const [deleted] = await entries("message.deleted");
    expect(deleted).toMatchObject({
      userId: ids.anna,
      actor: "anna",
      target: `message:${id}`,
      details: { instanceId, chatId },
    });

    const page = await (await boss.get("/audit?action=message")).text();
    expect(page).toContain("<strong>Anna</strong> edited a message in the conversation with <strong>Carol</strong>");
    expect(page).toContain("<strong>Anna</strong> deleted a message in the conversation with <strong>Carol</strong>");
    expect(page).not.toContain(SECRET_TEXT);
    expect(JSON.stringify(await app.deps.db.select().from(auditLog))).not.toContain(SECRET_TEXT);
  });

  test("a refused edit (someone else's message) is not audited as an edit", async () => {
    const [other] = await app.deps.db
      .insert(messages)
      .values({
        instanceId,
        chatId,
        direction: "out",
        via: "web",
        type: "textMessage",
        text: "Boris's words",
        idMessage: "BAE5AAAAAAAAAAAA",
        status: "sent",
        senderUserId: ids.boris,
      })
      .returning({ id: messages.id });
    const before = (await entries("message.edited")).length;
    expect(
      (await anna.post(`/instances/${instanceId}/chats/${chatId}/messages/${other!.id}/edit`, { text: "not mine" }))
        .status,
    ).toBe(409);
    expect(await entries("message.edited")).toHaveLength(before);
  });

  test("take, transfer, unassign and assign are audited with who had the chat and who has it now, never the note", async () => {
    const chatUrl = `/instances/${instanceId}/chats/${chatId}`;
    expect((await anna.post(`${chatUrl}/take`, {})).status).toBe(303);
    expect((await anna.post(`${chatUrl}/assign`, { assignee: String(ids.boris), note: NOTE })).status).toBe(303);
    expect((await boss.post(`${chatUrl}/assign`, { assignee: "none" })).status).toBe(303);
    expect((await boss.post(`${chatUrl}/assign`, { assignee: String(ids.anna) })).status).toBe(303);
    // Unchanged (already Anna's): nothing happened, nothing is recorded.
    expect((await boss.post(`${chatUrl}/assign`, { assignee: String(ids.anna) })).status).toBe(303);

    const rows = await app.deps.db
      .select({ action: auditLog.action, actor: auditLog.actor, target: auditLog.target, details: auditLog.details })
      .from(auditLog)
      .where(and(like(auditLog.action, "chat.%"), eq(auditLog.target, `chat:${chatId}`)))
      .orderBy(auditLog.id);
    expect(rows).toEqual([
      {
        action: "chat.taken",
        actor: "anna",
        target: `chat:${chatId}`,
        details: { instanceId, from: null, to: ids.anna },
      },
      {
        action: "chat.transferred",
        actor: "anna",
        target: `chat:${chatId}`,
        details: { instanceId, from: ids.anna, to: ids.boris },
      },
      {
        action: "chat.unassigned",
        actor: "boss",
        target: `chat:${chatId}`,
        details: { instanceId, from: ids.boris, to: null },
      },
      {
        action: "chat.assigned",
        actor: "boss",
        target: `chat:${chatId}`,
        details: { instanceId, from: null, to: ids.anna },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(NOTE);
    const page = await (await boss.get("/audit?action=chat.transferred")).text();
    expect(page).toContain(
      "passed the conversation with <strong>Carol</strong> from <strong>Anna</strong> to <strong>Boris</strong>",
    );
    expect(page).not.toContain("edited a message");
    expect(page).not.toContain("took the conversation");
  });

  test("downloading a backup is audited with the file's name", async () => {
    expect((await boss.post("/backups")).status).toBe(303);
    const name = app.deps.backups.list()[0]!.name;
    const res = await boss.get(`/backups/${name}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const [downloaded] = await entries("backup.downloaded");
    expect(downloaded).toMatchObject({ userId: ids.boss, actor: "boss", ip: "203.0.113.7", target: `backup:${name}` });
    // A name that is no backup is neither served nor recorded.
    expect((await boss.get("/backups/nothing.dump")).status).toBe(404);
    expect(await entries("backup.downloaded")).toHaveLength(1);
  });

  test("the audit page offers the new kinds by name, in English and Russian", async () => {
    const en = await (await boss.get("/audit")).text();
    for (const label of ["Conversations", "Message edited", "Backups"]) expect(en).toContain(label);
    const ru = await (await boss.get("/audit", { "accept-language": "ru" })).text();
    for (const label of ["Чаты", "Сообщение изменено", "Резервные копии"]) expect(ru).toContain(label);
    expect(await (await boss.get("/audit?action=backup")).text()).toContain(
      "<strong>Boss</strong> downloaded the backup",
    );
  });
});
