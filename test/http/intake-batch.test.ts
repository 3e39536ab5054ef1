// The intake processes an instance's pending notifications in batches (one transaction each, processed_at included);
// effects run only after a commit, and one failing notification falls back to one-by-one without holding up the rest.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { asc, eq, isNotNull } from "drizzle-orm";
import { chats, notifications } from "../../src/db/schema/index.ts";
import type { Db } from "../../src/db/client.ts";
import { createIntake, type Intake } from "../../src/greenapi/intake.ts";
import { insertInstance } from "../support/fixtures.ts";
import { closeTestDatabase, resetDatabase, testDatabase, testLog } from "../support/db.ts";

let db: Db;
let instanceId: number;
let idInstance: number;
const BAD = "79009999999";

/** A customer's number per message id ("A1" → 79001000001). */
const chatOf = (id: string) => `7900${id.charCodeAt(0)}${id.slice(1).padStart(5, "0")}`;
const incoming = (idMessage: string, chat: string) => ({
  typeWebhook: "incomingMessageReceived",
  instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
  timestamp: 1764000000,
  idMessage,
  senderData: { chatId: `${chat}@c.us`, chatName: chat, sender: `${chat}@c.us`, senderName: chat },
  messageData: { typeMessage: "textMessage", textMessageData: { textMessage: "hi" } },
});

beforeAll(async () => {
  await resetDatabase();
  db = (await testDatabase()).db;
  instanceId = await insertInstance(db, "Batch");
  idInstance = (await db.query.instances.findFirst({ where: (i, { eq: is }) => is(i.id, instanceId) }))!.idInstance;
}, 30_000);

afterAll(async () => {
  await resetDatabase();
  await closeTestDatabase();
});

/** An intake whose handler stores a chat per message (through the batch transaction) and fails for chat 79009999999. */
function intakeWithHandler(effects: string[], transactions: Set<unknown>): Intake {
  // Journal only: rows are processed by drain(), all pending at once (so they form batches).
  const intake = createIntake(db, testLog, { processHere: () => false });
  intake.on(
    "incomingMessageReceived",
    async (id, event, _body, ctx) => {
      if (event.typeWebhook !== "incomingMessageReceived") return;
      transactions.add(ctx.db);
      const chat = event.senderData.chatId.replace("@c.us", "");
      await ctx.db
        .insert(chats)
        .values({ instanceId: id, waChatId: `${chat}@c.us`, name: event.idMessage })
        .onConflictDoNothing();
      if (chat === BAD) throw new Error("cannot handle this one");
      ctx.defer(() => effects.push(event.idMessage));
    },
    { batch: true },
  );
  return intake;
}

describe("batched intake", () => {
  test("pending rows go in one transaction; a bad row falls back to one by one, the others are processed once", async () => {
    const effects: string[] = [];
    const transactions = new Set<unknown>();
    const intake = intakeWithHandler(effects, transactions);
    const ids = ["A1", "A2", "BAD", "A3", "A4"];
    for (const id of ids) {
      const r = await intake.accept(instanceId, idInstance, incoming(id, id === "BAD" ? BAD : chatOf(id)), "webhook");
      expect(r).toMatchObject({ ok: true });
    }
    expect(await intake.drain()).toBe(5);

    // The batch failed as a whole (its effects never ran), then each row ran in a transaction of its own.
    expect(effects).toEqual(["A1", "A2", "A3", "A4"]);
    expect(transactions.size).toBe(6);
    const rows = await db
      .select()
      .from(notifications)
      .where(eq(notifications.instanceId, instanceId))
      .orderBy(asc(notifications.id));
    expect(rows.map((r) => [r.processedAt !== null, r.error])).toEqual([
      [true, null],
      [true, null],
      [false, "cannot handle this one"],
      [true, null],
      [true, null],
    ]);
    // The failed row's writes were rolled back with it.
    const stored = await db.select({ waChatId: chats.waChatId }).from(chats).where(eq(chats.instanceId, instanceId));
    expect(stored.map((c) => c.waChatId).sort()).toEqual(
      ["A1", "A2", "A3", "A4"].map((id) => `${chatOf(id)}@c.us`).sort(),
    );

    // Draining again retries only the failed row (still failing), nothing is processed twice.
    expect(await intake.drain()).toBe(1);
    expect(effects).toEqual(["A1", "A2", "A3", "A4"]);
  }, 30_000);

  test("without failures a backlog is one transaction and every effect runs after it", async () => {
    const effects: string[] = [];
    const transactions = new Set<unknown>();
    const intake = intakeWithHandler(effects, transactions);
    await db.delete(notifications).where(isNotNull(notifications.error)); // the bad one from before, given up
    for (let i = 0; i < 30; i++)
      await intake.accept(instanceId, idInstance, incoming(`B${i}`, chatOf(`B${i}`)), "webhook");
    expect(await intake.drain()).toBe(30);
    expect(effects).toEqual(Array.from({ length: 30 }, (_, i) => `B${i}`));
    expect(transactions.size).toBe(1);
    const rows = await db
      .select({ processedAt: notifications.processedAt })
      .from(notifications)
      .where(eq(notifications.instanceId, instanceId));
    expect(rows.every((r) => r.processedAt !== null)).toBe(true);
  }, 30_000);

  test("batch handlers get runs of their types in arrival order, with per-row handlers in between", async () => {
    await db
      .update(notifications)
      .set({ processedAt: new Date(), error: null })
      .where(eq(notifications.instanceId, instanceId));
    const intake = createIntake(db, testLog, { processHere: () => false });
    const calls: string[] = [];
    const idOf = (event: { typeWebhook: string }) => ("idMessage" in event ? String(event.idMessage) : "?");
    intake.onBatch(
      ["incomingMessageReceived"],
      async (_id, items) => void calls.push(`batch:${items.map((i) => idOf(i.event)).join(",")}`),
    );
    intake.on("outgoingMessageStatus", async (_id, event) => void calls.push(`row:${idOf(event)}`), { batch: true });
    const status = (idMessage: string) => ({
      typeWebhook: "outgoingMessageStatus",
      instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
      timestamp: 1764000000,
      idMessage,
      status: "delivered",
      chatId: "79001000001@c.us",
      sendByApi: true,
    });
    for (const body of [
      incoming("C1", chatOf("C1")),
      incoming("C2", chatOf("C2")),
      status("X1"),
      incoming("C3", chatOf("C3")),
      incoming("C4", chatOf("C4")),
    ]) {
      expect(await intake.accept(instanceId, idInstance, body, "webhook")).toMatchObject({
        ok: true,
        duplicate: false,
      });
    }
    expect(await intake.drain()).toBe(5);
    expect(calls).toEqual(["batch:C1,C2", "row:X1", "batch:C3,C4"]);
  }, 30_000);
});
