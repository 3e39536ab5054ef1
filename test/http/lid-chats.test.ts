// LID mode end to end (fake Green-API by polling, enableLidMode "yes"): one person is one chat whether Green-API names
// them by `…@c.us` or `…@lid`, when it tells both (a notification carrying the number, or checkWhatsapp for a chat a
// manager starts), and replies go to the chat's id as first seen.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import { chats, instances, messages, notifications, reactions } from "../../src/db/schema/index.ts";
import { startFastFake } from "../fakes/green-api/testkit.ts";
import { waitFor } from "../support/wait.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant } from "../support/fixtures.ts";

const ID = 7103888002;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef98";
let ga: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let anna: Agent;

beforeAll(async () => {
  await resetDatabase();
  ga = startFastFake();
  ga.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: {
      enableLidMode: "yes",
      incomingWebhook: "yes",
      outgoingWebhook: "yes",
      outgoingAPIMessageWebhook: "yes",
      delaySendMessagesMilliseconds: 5,
    },
  });
  app = await startTestApp({ POLL_TIMEOUT_SECONDS: "5" });
  const [row] = await app.deps.db
    .insert(instances)
    .values({
      name: "Sales",
      idInstance: ID,
      apiToken: TOKEN,
      apiUrl: ga.url,
      mediaUrl: ga.mediaUrl,
      webhookToken: "x".repeat(24),
      intakeMode: "polling",
      state: "authorized",
    })
    .returning();
  instanceId = row!.id;
  const user = await app.deps.users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  await grant(app.deps.db, user.id, instanceId);
  anna = new Agent(app.url);
  expect((await anna.login("anna", "password-1")).status).toBe(303);
  app.deps.outbox.start();
  app.deps.poller.start(row!);
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.outbox.stop();
  await app.stop();
  await ga.stop();
});

const stored = (idMessage: string) =>
  waitFor(async () => (await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage)))[0], 2000);
const chatsOf = (ids: string[]) =>
  app.deps.db
    .select()
    .from(chats)
    .where(and(eq(chats.instanceId, instanceId), inArray(chats.waChatId, ids)));
/** What reached Green-API with this text: the chat id it was sent to. */
const sentTo = async (text: string) =>
  (await waitFor(() => ga.control.sentMessages(ID).find((s) => s.text === text), 5000)).chatId;

/** A manager's reply in a chat, from the web. */
async function reply(chatId: number, text: string): Promise<void> {
  const res = await anna.post(`/instances/${instanceId}/chats/${chatId}/messages`, { text, key: crypto.randomUUID() });
  expect(res.status).toBe(303);
}

/** A manager's new chat with a phone number, from the web; the id of the chat it opened. */
async function startChat(to: string, text: string): Promise<number> {
  const res = await anna.post(`/instances/${instanceId}/messages`, { to, text, key: crypto.randomUUID() });
  expect(res.status).toBe(303);
  return Number(/\/chats\/(\d+)$/.exec(res.headers.get("location")!)![1]);
}

describe("one person, one chat", () => {
  test("a @c.us message, then the same person's @lid message carrying their number: one chat; replies go to the first id", async () => {
    const phone = "79007770001@c.us";
    const lid = "155508384256027@lid";
    const first = await stored(
      ga.control.injectIncoming(ID, { type: "textMessage", chatId: phone, senderName: "Lena", text: "Do you deliver?" })
        .idMessage,
    );
    const second = await stored(
      ga.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: lid,
        senderName: "Lena",
        senderPhoneNumber: 79007770001,
        text: "To Tver?",
      }).idMessage,
    );
    expect(second.chatId).toBe(first.chatId);
    // Once linked, the @lid alone finds the chat.
    const third = await stored(
      ga.control.injectIncoming(ID, { type: "textMessage", chatId: lid, senderName: "Lena", text: "Tomorrow?" })
        .idMessage,
    );
    expect(third.chatId).toBe(first.chatId);
    const rows = await chatsOf([phone, lid]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ waChatId: phone, altWaChatId: lid, unreadCount: 3 });
    const list = await (await anna.get("/chats")).text();
    expect(list.match(/<span class="chat-name">Lena<\/span>/g)).toHaveLength(1);
    await reply(first.chatId, "Yes, tomorrow");
    expect(await sentTo("Yes, tomorrow")).toBe(phone);
    // The echo of the send comes back under the id it went to: still no second chat, no twin bubble.
    await waitFor(
      async () =>
        (await app.deps.db.select().from(messages).where(eq(messages.text, "Yes, tomorrow")))[0]?.status === "read",
      2000,
    );
    expect(await app.deps.db.select().from(messages).where(eq(messages.text, "Yes, tomorrow"))).toHaveLength(1);
    expect(await chatsOf([phone, lid])).toHaveLength(1);
  });

  test("a chat a manager starts by number learns the person's @lid from checkWhatsapp; their answer lands in it", async () => {
    const phone = "79007770002@c.us";
    const lid = "155508384256099@lid";
    ga.control.setLid(ID, phone, lid);
    const chatId = await startChat("+7 900 777-00-02", "Your order is ready");
    expect(await sentTo("Your order is ready")).toBe(phone);
    const chat = await waitFor(async () => {
      const [row] = await chatsOf([phone]);
      return row?.altWaChatId === lid ? row : null;
    }, 2000);
    expect(chat.id).toBe(chatId);
    expect(
      ga.control
        .requests(ID)
        .filter((r) => r.method === "checkWhatsapp")
        .map((r) => r.status),
    ).toEqual([200]);
    const answer = await stored(
      ga.control.injectIncoming(ID, { type: "textMessage", chatId: lid, senderName: "Petr", text: "Coming at six" })
        .idMessage,
    );
    expect(answer.chatId).toBe(chatId);
    await reply(chatId, "See you");
    expect(await sentTo("See you")).toBe(phone);
    // Writing to the number again opens the same chat.
    expect(await startChat("+79007770002", "One more thing")).toBe(chatId);
    expect(await chatsOf([phone, lid])).toHaveLength(1);
  });

  test("a manager's new chat to a number whose person wrote under @lid (number told) is that chat, sent to its id", async () => {
    const lid = "155508384256111@lid";
    const first = await stored(
      ga.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: lid,
        senderName: "Olga",
        senderPhoneNumber: 79007770003,
        text: "Hello?",
      }).idMessage,
    );
    expect((await chatsOf([lid]))[0]).toMatchObject({ altWaChatId: "79007770003@c.us" });
    expect(await startChat("+79007770003", "Hello Olga")).toBe(first.chatId);
    expect(await sentTo("Hello Olga")).toBe(lid);
    expect(await chatsOf(["79007770003@c.us"])).toHaveLength(0);
  });

  test("without LID mode checkWhatsapp names the number itself: nothing is linked", async () => {
    ga.control.setSettings(ID, { enableLidMode: "no" });
    ga.control.setLid(ID, "79007770004@c.us", "155508384256222@lid");
    const before = ga.control.requests(ID).filter((r) => r.method === "checkWhatsapp").length;
    const chatId = await startChat("+79007770004", "Plain number");
    await waitFor(
      () => ga.control.requests(ID).filter((r) => r.method === "checkWhatsapp").length === before + 1,
      2000,
    );
    await sentTo("Plain number");
    expect((await app.deps.db.select().from(chats).where(eq(chats.id, chatId)))[0]!.altWaChatId).toBeNull();
    ga.control.setSettings(ID, { enableLidMode: "yes" });
  });
});

describe("within one batch", () => {
  const envelope = (
    chatId: string,
    idMessage: string,
    senderData: Record<string, unknown>,
    messageData: Record<string, unknown>,
  ) => ({
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance: ID, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage,
    senderData: { chatId, sender: chatId, chatName: "", senderName: "Ivan", ...senderData },
    messageData,
  });
  const text = (t: string) => ({ typeMessage: "textMessage", textMessageData: { textMessage: t } });
  /** Journals the notifications unprocessed (as a follower process, or a crash, leaves them) and processes them as one batch. */
  async function inOneBatch(bodies: Array<Record<string, unknown>>): Promise<void> {
    await app.deps.db.insert(notifications).values(
      bodies.map((body) => ({
        instanceId,
        dedupeKey: `batch:${String(body.idMessage)}`,
        typeWebhook: String(body.typeWebhook),
        body,
        via: "polling" as const,
      })),
    );
    await app.deps.intake.drain();
  }

  test("a new person's @c.us message and their @lid message with the number make one chat; a @lid reaction finds its message", async () => {
    const phone = "79007770005@c.us";
    const lid = "155508384256333@lid";
    await inOneBatch([
      envelope(phone, "BATCH00000000001", {}, text("first")),
      envelope(lid, "BATCH00000000002", { senderPhoneNumber: 79007770005 }, text("second")),
    ]);
    expect((await stored("BATCH00000000002")).chatId).toBe((await stored("BATCH00000000001")).chatId);
    const rows = await chatsOf([phone, lid]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ waChatId: phone, altWaChatId: lid });
    await inOneBatch([
      envelope(
        lid,
        "BATCH00000000003",
        {},
        {
          typeMessage: "reactionMessage",
          extendedTextMessageData: { text: "👍" },
          quotedMessage: { stanzaId: "BATCH00000000001", participant: lid },
        },
      ),
    ]);
    const target = await stored("BATCH00000000001");
    expect(
      await app.deps.db.select({ emoji: reactions.emoji }).from(reactions).where(eq(reactions.messageId, target.id)),
    ).toEqual([{ emoji: "👍" }]);
  });

  test("a number beside an outgoing or group message is not taken as the chat's other id", async () => {
    const group = "120363000000000555@g.us";
    await inOneBatch([
      envelope(
        group,
        "BATCH00000000004",
        { sender: "155508384256444@lid", senderPhoneNumber: 79007770006 },
        text("in a group"),
      ),
      {
        ...envelope(
          "155508384256555@lid",
          "BATCH00000000005",
          { sender: "79990000000@c.us", senderPhoneNumber: 79990000000 },
          text("sent from the phone"),
        ),
        typeWebhook: "outgoingMessageReceived",
      },
    ]);
    expect((await chatsOf([group]))[0]!.altWaChatId).toBeNull();
    expect((await chatsOf(["155508384256555@lid"]))[0]!.altWaChatId).toBeNull();
  });
});
