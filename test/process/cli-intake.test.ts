// `greeninbox intake replay [--instance N]` through the real entry point: after an upgrade, quarantined notifications
// the current code reads are processed (the message is in its chat) and leave the quarantine; the rest stay, counted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, isNotNull } from "drizzle-orm";
import { openDatabase } from "../../src/db/client.ts";
import { instances, messages, notifications } from "../../src/db/schema/index.ts";
import { createFreshDatabase, testLog, type FreshDatabase } from "../support/db.ts";
import { run } from "./support.ts";

const ID = 7103888001;
const OTHER = 7103888002;
let fresh: FreshDatabase;
let ids: { readable: number; unreadable: number; elsewhere: number };

const incoming = (idInstance: number, idMessage: string) => ({
  typeWebhook: "incomingMessageReceived",
  instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
  timestamp: 1764000000,
  idMessage,
  senderData: { chatId: "79005550002@c.us", chatName: "Lev", sender: "79005550002@c.us", senderName: "Lev" },
  messageData: { typeMessage: "textMessage", textMessageData: { textMessage: "kept for later" } },
});

beforeAll(async () => {
  fresh = await createFreshDatabase();
  const { db } = fresh.database;
  const values = (idInstance: number, name: string) => ({
    name,
    idInstance,
    apiToken: "a".repeat(50),
    apiUrl: "http://127.0.0.1:1",
    mediaUrl: "http://127.0.0.1:1",
    webhookToken: "w".repeat(24),
    state: "authorized" as const,
  });
  const [one, two] = await db
    .insert(instances)
    .values([values(ID, "Sales"), values(OTHER, "Support")])
    .returning({ id: instances.id });
  // As an older version left them: a body it could not read (the current code can), one nobody can, another number's.
  const quarantined = {
    via: "webhook" as const,
    quarantinedAt: new Date(),
    error: "invalid incomingMessageReceived (older version)",
  };
  const rows = await db
    .insert(notifications)
    .values([
      {
        ...quarantined,
        instanceId: one!.id,
        dedupeKey: "invalid:a",
        typeWebhook: "incomingMessageReceived",
        body: incoming(ID, "CLI1"),
      },
      { ...quarantined, instanceId: one!.id, dedupeKey: "invalid:b", typeWebhook: "invalid", body: { hello: "world" } },
      {
        ...quarantined,
        instanceId: two!.id,
        dedupeKey: "invalid:c",
        typeWebhook: "incomingMessageReceived",
        body: incoming(OTHER, "CLI2"),
      },
    ])
    .returning({ id: notifications.id });
  ids = { readable: rows[0]!.id, unreadable: rows[1]!.id, elsewhere: rows[2]!.id };
  // The child process opens the database itself (PGlite allows one process at a time).
  await fresh.database.close();
}, 30_000);

afterAll(() => fresh.dropDb());

test("a bad flag is a usage error", async () => {
  const out = await run(["intake", "replay", "--instance", "x"], fresh.childEnv);
  expect(out.code).toBe(2);
  expect(out.stderr).toContain("intake replay [--instance ID]");
});

test("replays one number's quarantine (by idInstance): the readable one is stored, the other stays; other numbers are left", async () => {
  const out = await run(["intake", "replay", "--instance", String(ID)], fresh.childEnv);
  expect(out.stderr).toBe("");
  expect(out.stdout).toContain("replayed 2: 1 stored, 1 still quarantined");
  expect(out.code).toBe(0);
  expect(out.stdout).not.toContain("kept for later");

  const database = await openDatabase({
    databaseUrl: fresh.childEnv.DATABASE_URL,
    dataDir: fresh.childEnv.DATA_DIR ?? "unused",
    log: testLog,
  });
  try {
    const { db } = database;
    const [message] = await db.select().from(messages).where(eq(messages.idMessage, "CLI1"));
    expect(message!.text).toBe("kept for later");
    const quarantine = await db
      .select({ id: notifications.id, error: notifications.error })
      .from(notifications)
      .where(isNotNull(notifications.quarantinedAt));
    expect(quarantine.map((r) => r.id).sort()).toEqual([ids.unreadable, ids.elsewhere].sort());
    // The reason is the one found this time.
    expect(quarantine.find((r) => r.id === ids.unreadable)!.error).toContain("typeWebhook");
  } finally {
    await database.close();
  }
});
