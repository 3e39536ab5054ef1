// A burst of incoming messages (stored in one transaction, as the ingest does) gets its notifications queued in that
// transaction: all posts, in order, with a few SQL statements for the whole burst rather than a few per message (counted
// with drizzle's logger); a state change between two bursts keeps its place.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { parseConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/client.ts";
import * as schema from "../../src/db/schema/index.ts";
import { createDeps } from "../../src/deps.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { AppDeps } from "../../src/env.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/index.ts";
import { resetDatabase, testDatabase, testLog } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { storedIncoming, TIME_SCALE } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const { messages, instances, telegramPosts } = schema;
let fake: FakeTelegram;
let deps: AppDeps;
let dataDir: string;
let counting = false;
const statements: string[] = [];

beforeAll(async () => {
  await resetDatabase();
  const database = await testDatabase();
  // The app's database with every statement recorded: the same client under a drizzle instance with a logger.
  const logger = { logQuery: (query: string) => void (counting && statements.push(query)) };
  const db = (database.postgres
    ? drizzlePostgres(database.postgres.sql, { schema, logger, casing: "snake_case" })
    : drizzlePglite((database.db as unknown as { $client: never }).$client, {
        schema,
        logger,
        casing: "snake_case",
      })) as unknown as Db;
  fake = startFakeTelegram({ timeScale: TIME_SCALE });
  dataDir = mkdtempSync(join(tmpdir(), "gi-tg-batch-"));
  mkdirSync(join(dataDir, "media"));
  const config = parseConfig({
    PORT: "1",
    LOG_LEVEL: "silent",
    DEFAULT_LOCALE: "en",
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
  });
  deps = createDeps(config, { ...database, db }, testLog, {
    telegram: { timeScale: TIME_SCALE, retryBaseMs: 50, retryMaxMs: 400 },
  });
  deps.telegram!.start();
}, 30_000);

afterAll(async () => {
  await deps.telegram!.stop();
  deps.telegram!.notifier.unsubscribe();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("50 messages in one burst: 50 posts in order, a state change between them kept in place, a bounded number of queries", async () => {
  const { db, bus } = deps;
  const feeds: Array<{ instanceId: number; channel: number; chatIds: number[] }> = [];
  for (const name of ["Sales", "Support"]) {
    const instanceId = await insertInstance(db, name);
    const channel = fake.control.createChat({ type: "channel", title: `${name} feed` });
    fake.control.addBot(channel);
    await db.update(instances).set({ telegramChatId: channel }).where(eq(instances.id, instanceId));
    const chatIds = [
      await insertChat(db, instanceId, `79005550${feeds.length}01@c.us`, "Anna"),
      await insertChat(db, instanceId, `79005550${feeds.length}02@c.us`, "Boris"),
    ];
    feeds.push({ instanceId, channel, chatIds });
  }
  // Earlier messages that some of the burst quote (stored without an event: not notified).
  const quotedIds = feeds.flatMap((f) =>
    f.chatIds.map((chatId) => ({
      chatId,
      instanceId: f.instanceId,
      idMessage: `OLD${chatId}`,
      text: `earlier in ${chatId}`,
    })),
  );
  await db
    .insert(messages)
    .values(quotedIds.map((q) => ({ ...q, direction: "in" as const, type: "textMessage", via: "whatsapp" as const })));

  // The burst: one INSERT of 50 messages (every 5th quotes its chat's earlier message) and their posts, in two halves.
  const burst = Array.from({ length: 50 }, (_, i) => {
    const feed = feeds[i % 2]!;
    const chatId = feed.chatIds[Math.floor(i / 2) % 2]!;
    return {
      instanceId: feed.instanceId,
      chatId,
      idMessage: `BURST${i}`,
      direction: "in" as const,
      type: "textMessage",
      via: "whatsapp" as const,
      text: `burst ${i}`,
      senderName: "Customer",
      quotedIdMessage: i % 5 === 0 ? `OLD${chatId}` : null,
    };
  });
  const rows = await db
    .insert(messages)
    .values(burst)
    .returning({ id: messages.id, chatId: messages.chatId, instanceId: messages.instanceId });
  const kicks: number[][] = [];
  const queue = (ids: number[]) =>
    db.transaction(async (tx) =>
      deps.telegram!.queueIncoming(
        { db: tx as unknown as Db, inTransaction: true, defer: () => void kicks.push(ids) },
        await storedIncoming(tx as unknown as Db, ids),
      ),
    );
  counting = true;
  await queue(rows.slice(0, 25).map((r) => r.id));
  // Halfway, Sales changes state: its post must sit between the 25 messages before and the 25 after.
  bus.publish({
    name: EVENTS.instanceChanged,
    instanceId: feeds[0]!.instanceId,
    data: { state: "yellowCard", transition: true },
  });
  await deps.telegram!.notifier.settled();
  await queue(rows.slice(25).map((r) => r.id));
  counting = false;
  // The poster is woken once per transaction (after it), not once per message.
  expect(kicks).toHaveLength(2);

  // Every message posted once, in the order of the events, per channel; the state post in its place.
  for (const [f, feed] of feeds.entries()) {
    const posts = await db
      .select({ messageId: telegramPosts.messageId, payload: telegramPosts.payload })
      .from(telegramPosts)
      .where(eq(telegramPosts.tgChatId, feed.channel))
      .orderBy(asc(telegramPosts.id));
    const expected: Array<number | null> = rows.filter((_, i) => i % 2 === f).map((r) => r.id);
    if (f === 0) expected.splice(13, 0, null);
    expect(posts.map((p) => p.messageId)).toEqual(expected);
    for (const post of posts) {
      const text = (post.payload as { text: string }).text;
      if (post.messageId === null) {
        expect(text).toContain("yellow card");
        continue;
      }
      const i = rows.findIndex((r) => r.id === post.messageId);
      expect(text).toContain(`burst ${i}`);
      expect(text.includes(`earlier in ${burst[i]!.chatId}`)).toBe(i % 5 === 0);
    }
  }
  expect(await db.$count(telegramPosts, eq(telegramPosts.method, "sendMessage"))).toBe(51);

  // Two message batches, each: one SELECT of the instances, one SELECT of quotes, one INSERT (and the state post's INSERT).
  const count = (re: RegExp) => statements.filter((s) => re.test(s.replace(/\s+/g, " ").trim())).length;
  expect(count(/^select id, name, telegram_chat_id as tg_chat_id, telegram_locale as locale from instances/)).toBe(2);
  expect(count(/^select "chat_id", "id_message", "text", "event" from "messages"/)).toBe(2);
  expect(count(/^insert into "?telegram_posts"?/)).toBe(3);
  // The poster scans once per kick at most (plus its 250 ms tick), not once per message.
  const scans = count(/^with recursive heads/);
  expect(scans).toBeGreaterThan(0);
  expect(scans).toBeLessThanOrEqual(5);

  // And the channels receive them in that order.
  expect(await deps.telegram!.poster.idle(20_000)).toBe(true);
  await waitFor(() => fake.control.sent(feeds[1]!.channel).length === 25);
  const sent = fake.control.sent(feeds[1]!.channel).map((s) => s.text!.split("\n\n").at(-1));
  expect(sent).toEqual(rows.flatMap((_, i) => (i % 2 === 1 ? [`burst ${i}`] : [])));
}, 60_000);

test("posts queued in a storing transaction that rolls back are gone with its messages", async () => {
  const { db } = deps;
  const instanceId = await insertInstance(db, "Rollback");
  const channel = fake.control.createChat({ type: "channel", title: "Rollback feed" });
  fake.control.addBot(channel);
  await db.update(instances).set({ telegramChatId: channel }).where(eq(instances.id, instanceId));
  const chatId = await insertChat(db, instanceId, "79005559901@c.us", "Vera");
  const failed = db.transaction(async (tx) => {
    const [row] = await tx
      .insert(messages)
      .values({
        instanceId,
        chatId,
        idMessage: "ROLLBACK1",
        direction: "in",
        type: "textMessage",
        via: "whatsapp",
        text: "never stored",
      })
      .returning({ id: messages.id });
    await deps.telegram!.queueIncoming(
      { db: tx as unknown as Db, inTransaction: true, defer: () => {} },
      await storedIncoming(tx as unknown as Db, [row!.id]),
    );
    // Queued within the transaction…
    expect(await tx.$count(telegramPosts, eq(telegramPosts.tgChatId, channel))).toBe(1);
    throw new Error("the storing transaction fails after queueing");
  });
  await expect(failed).rejects.toThrow("fails after queueing");
  // …and gone with it.
  expect(await db.$count(telegramPosts, eq(telegramPosts.tgChatId, channel))).toBe(0);
  expect(await db.$count(messages, eq(messages.idMessage, "ROLLBACK1"))).toBe(0);
});

test("notifications through the intake are posted with the names as stored: a group's member, a chat's earlier name", async () => {
  const { db, intake } = deps;
  const instanceId = await insertInstance(db, "Names");
  const idInstance = (await deps.instances.getRow(instanceId))!.idInstance;
  const channel = fake.control.createChat({ type: "channel", title: "Names feed" });
  fake.control.addBot(channel);
  await db.update(instances).set({ telegramChatId: channel }).where(eq(instances.id, instanceId));
  const note = (idMessage: string, senderData: Record<string, string>, text: string) => ({
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: 1764000000,
    idMessage,
    senderData,
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  });
  const group = {
    chatId: "120363000000000001@g.us",
    chatName: "Sofa buyers",
    sender: "79005551234@c.us",
    senderName: "Pavel",
  };
  const anna = { chatId: "79005554321@c.us", sender: "79005554321@c.us" };
  const accept = async (body: object) =>
    expect((await intake.accept(instanceId, idInstance, body, "webhook")).ok).toBe(true);
  await accept(note("NAMES1", group, "who has the blue one?"));
  await accept(note("NAMES2", { ...anna, chatName: "Anna", senderName: "Anna" }, "hello"));
  await intake.idle();
  // Later, a notification without any name: the chat keeps the one it has.
  await accept(note("NAMES3", { ...anna, chatName: "", senderName: "" }, "still there?"));
  await intake.idle();
  const texts = (
    await db
      .select({ payload: telegramPosts.payload })
      .from(telegramPosts)
      .where(eq(telegramPosts.tgChatId, channel))
      .orderBy(asc(telegramPosts.id))
  ).map((p) => (p.payload as { text: string }).text.split("\n"));
  expect(texts).toHaveLength(3);
  expect(texts[0]![0]).toContain("Pavel");
  expect(texts[0]![0]).toContain("+79005551234");
  expect(texts[0]![0]).toContain("Sofa buyers");
  expect(texts[1]![0]).toContain("Anna");
  expect(texts[2]![0]).toContain("Anna");
  expect(texts[2]![0]).toContain("+79005554321");
  expect(texts[2]!.at(-1)).toBe("still there?");
});
