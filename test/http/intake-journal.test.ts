// Group-committed journal writes and set-based ingest: a burst of webhooks is journaled in a few statements, each
// answered only once its row is committed; twins and re-deliveries collapse; a bad row fails alone; a run of messages is
// stored with the same chats, unread counts and previews as one by one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Db } from "../../src/db/client.ts";
import { chats, contacts, messages, notifications } from "../../src/db/schema/index.ts";
import { createIntake } from "../../src/greenapi/intake.ts";
import { startAppWithInstance, type TestApp } from "../support/app.ts";
import { testLog } from "../support/db.ts";
import { WEBHOOK_TOKEN } from "../support/fixtures.ts";

let app: TestApp;
let instanceId: number;
let idInstance: number;
const TOKEN = WEBHOOK_TOKEN;

beforeAll(async () => void ({ app, instanceId, idInstance } = await startAppWithInstance("Burst")), 30_000);
afterAll(() => app.stop());

const incoming = (idMessage: string, customer: number, text: string, timestamp = 1764000000) => ({
  typeWebhook: "incomingMessageReceived",
  instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
  timestamp,
  idMessage,
  senderData: {
    chatId: `7900100${String(customer).padStart(4, "0")}@c.us`,
    chatName: `Customer ${customer}`,
    sender: `7900100${String(customer).padStart(4, "0")}@c.us`,
    senderName: `Customer ${customer}`,
  },
  messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
});

const post = (body: object, token = TOKEN) =>
  fetch(`${app.url}/webhooks/green-api/${instanceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

const dialect = new PgDialect();

/** The database handle with every raw statement counted by its first words. */
function counting(db: Db): { db: Db; count: (start: string) => number } {
  const seen: string[] = [];
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "execute") {
        return (query: Parameters<Db["execute"]>[0]) => {
          seen.push(
            dialect
              .sqlToQuery(query as never)
              .sql.replace(/\s+/g, " ")
              .trim(),
          );
          return target.execute(query);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: wrapped, count: (start) => seen.filter((q) => q.startsWith(start)).length };
}

describe("journal writes in groups", () => {
  test("200 concurrent notifications: one row each, twins collapse, far fewer INSERTs than notifications", async () => {
    const { db, count } = counting(app.deps.db);
    const intake = createIntake(db, testLog, { processHere: () => false });
    const bodies = Array.from({ length: 200 }, (_, i) => incoming(`G${i}`, i % 20, `hello ${i}`));
    // Every 10th is sent twice in the same burst (Green-API re-delivering while the first is in flight).
    const sent = [...bodies, ...bodies.filter((_, i) => i % 10 === 0)];
    const results = await Promise.all(sent.map((b) => intake.accept(instanceId, idInstance, b, "webhook")));
    const ids = results.map((r) => (r.ok ? r.id : undefined));
    const fresh = results.filter((r) => r.ok && !r.duplicate);
    expect(fresh).toHaveLength(200);
    expect(results.filter((r) => r.ok && r.duplicate)).toHaveLength(20);
    expect(new Set(ids.filter((id) => id !== null))).toHaveProperty("size", 200);
    const rows = await app.deps.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(sql`${notifications.dedupeKey} like 'incomingMessageReceived:%:G%'`);
    expect(rows).toHaveLength(200);
    const inserts = count("with touch as");
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(20);
    // Ids follow arrival order: the journal processes an instance's rows in id order.
    const order = results.slice(0, 200).map((r) => (r.ok ? r.id! : 0));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("a row that cannot be stored fails alone; the others of its group are journaled", async () => {
    const intake = createIntake(app.deps.db, testLog, { processHere: () => false });
    const good = Array.from({ length: 30 }, (_, i) =>
      intake.accept(instanceId, idInstance, incoming(`F${i}`, 1, "ok"), "webhook"),
    );
    // An instance that does not exist (e.g. deleted a moment ago): the foreign key refuses its row.
    const bad = intake.accept(987654, idInstance, incoming("F-bad", 1, "lost"), "webhook");
    // Its re-delivery in the same group is not answered as a duplicate of a row that was never stored.
    const badTwin = intake.accept(987654, idInstance, incoming("F-bad", 1, "lost"), "webhook");
    const more = Array.from({ length: 30 }, (_, i) =>
      intake.accept(instanceId, idInstance, incoming(`F${30 + i}`, 1, "ok"), "webhook"),
    );
    expect(
      await bad.then(
        () => "stored",
        () => "refused",
      ),
    ).toBe("refused");
    expect(
      await badTwin.then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused");
    const results = await Promise.all([...good, ...more]);
    expect(results.every((r) => r.ok && !r.duplicate && r.id !== null)).toBe(true);
  });

  test("a token changed through the service is refused at once (the webhook check's memory is cleared)", async () => {
    expect((await post(incoming("T1", 1, "before"))).status).toBe(200);
    await app.deps.instances.update(instanceId, { webhookToken: "n".repeat(24) });
    expect(await post(incoming("T2", 1, "old token"))).toHaveProperty("status", 401);
    expect((await post(incoming("T3", 1, "new token"), "n".repeat(24))).status).toBe(200);
    await app.deps.instances.update(instanceId, { webhookToken: TOKEN });
  });
});

describe("a burst of webhooks is stored as if one by one", () => {
  test("300 messages in 30 chats, with re-deliveries: each stored once, unread counts, newest previews, contacts", async () => {
    const bodies = Array.from({ length: 300 }, (_, i) =>
      incoming(`S${i}`, 100 + (i % 30), `message ${i}`, 1764000000 + i),
    );
    const answers = await Promise.all([...bodies, ...bodies.slice(0, 30)].map((b) => post(b)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await app.deps.intake.idle();
    const stored = await app.deps.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(sql`${messages.idMessage} like 'S%'`);
    expect(stored[0]!.n).toBe(300);
    for (const customer of [100, 117, 129]) {
      const [chat] = await app.deps.db
        .select()
        .from(chats)
        .where(eq(chats.waChatId, `7900100${String(customer).padStart(4, "0")}@c.us`));
      expect(chat!.unreadCount).toBe(10);
      expect(chat!.name).toBe(`Customer ${customer}`);
      // The newest of its ten messages: i = 270 + (customer - 100).
      expect(chat!.lastMessagePreview).toBe(`message ${270 + customer - 100}`);
      expect(chat!.lastMessageAt!.getTime()).toBe((1764000000 + 270 + customer - 100) * 1000);
    }
    const [contact] = await app.deps.db.select().from(contacts).where(eq(contacts.phone, "79001000117"));
    expect(contact!.waName).toBe("Customer 117");
  });
});
