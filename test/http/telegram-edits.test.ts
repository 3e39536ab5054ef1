// Edits and deletes between Telegram and WhatsApp, over real HTTP to both fakes: a manager's edit of their Telegram reply
// edits the WhatsApp message (editMessage; too late or a file: told why), "/delete" answering it deletes it
// (deleteMessage); a customer's WhatsApp edit or delete marks the post of their message (editMessageText).
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { createApp } from "../../src/app.tsx";
import { chats, instances, messages, quickReplies, telegramPosts } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent } from "../support/app.ts";
import { incoming, startTelegramDesk, type TelegramDesk, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103777093;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210ce";
const CUSTOMER = "79001112277@c.us";
let desk: TelegramDesk;
let ga: FakeGreenApi;
let rig: TelegramRig;
let web: ReturnType<typeof Bun.serve>;
let agent: Agent;
let instanceId: number;
let group: number;
let manager: number;
let colleague: number;

beforeAll(async () => {
  desk = await startTelegramDesk({
    instance: { idInstance: ID, apiToken: TOKEN, wid: "79990002244@c.us" },
    settings: {
      incomingWebhook: "yes",
      outgoingWebhook: "yes",
      outgoingAPIMessageWebhook: "yes",
      editedMessageWebhook: "yes",
      deletedMessageWebhook: "yes",
    },
    members: [
      { firstName: "Max", username: "max" },
      { firstName: "Nina", username: "nina" },
    ],
  });
  ({ ga, rig, group } = desk);
  [manager, colleague] = desk.members as [number, number];
  instanceId = desk.instance.id;
  rig.deps.outbox.start();
  rig.deps.poller.start(desk.instance);
  const app = createApp(rig.deps);
  web = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => app.fetch(req, srv) });
  agent = new Agent(`http://127.0.0.1:${web.port}`);
  expect((await agent.login("max", "password123")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  web.stop(true);
  await desk.stop();
});

/** A customer's WhatsApp message, ingested and posted to the group: its post and idMessage. */
async function customerPost(text: string) {
  const idMessage = crypto.randomUUID().replaceAll("-", "").toUpperCase();
  ga.control.injectIncoming(ID, { type: "textMessage", chatId: CUSTOMER, text, idMessage, senderName: "Anna" });
  const post = await waitFor(() => rig.fake.control.sent(group).find((s) => s.text?.endsWith(text)), 10_000);
  await rig.telegram.poster.idle();
  return { post, idMessage };
}

/** Max answers a customer's post in Telegram; resolves once WhatsApp accepted it: his reply and the stored message. */
async function managerReply(text: string) {
  const { post } = await customerPost(`Question before "${text}"`);
  const reply = rig.fake.control.userMessage({ chatId: group, userId: manager, text, replyTo: post.messageId });
  const row = await waitFor(async () => {
    const [m] = await rig.deps.db.select().from(messages).where(eq(messages.text, text));
    return m?.idMessage && m.status !== "sending" && m.status !== "queued" ? m : undefined;
  }, 10_000);
  return { reply, row };
}

const rowOf = async (id: number) => (await rig.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;
/** The bot's answers to a Telegram message of the group. */
const answersTo = (messageId: number) =>
  rig.fake.control.sent(group).filter((s) => s.replyTo === messageId && s.method === "sendMessage");

describe("a manager's Telegram reply, edited or deleted", () => {
  test("an edit within 15 minutes edits the WhatsApp message; the web bubble shows it edited", async () => {
    const { reply, row } = await managerReply("We deliver on Monday");
    rig.fake.control.userEdit({ chatId: group, messageId: reply.message_id, text: "We deliver on Tuesday" });
    const change = await waitFor(
      () => ga.control.messageChanges(ID).find((c) => c.method === "editMessage" && c.idMessage === row.idMessage),
      10_000,
    );
    expect(change).toMatchObject({ chatId: CUSTOMER, text: "We deliver on Tuesday", applied: true });
    await waitFor(async () => (await rowOf(row.id)).text === "We deliver on Tuesday");
    expect(await rowOf(row.id)).toMatchObject({ originalText: "We deliver on Monday", deletedAt: null });
    const bubble = await (
      await agent.get(`/instances/${instanceId}/chats/${row.chatId}/messages/${row.id}`, { "hx-request": "true" })
    ).text();
    expect(bubble).toContain("We deliver on Tuesday");
    expect(bubble).toContain('class="edited"');
  });

  test("an edit past 15 minutes, or of a file's caption, is not sent: the bot says why", async () => {
    const { reply, row } = await managerReply("Price is 100");
    await rig.deps.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(messages.id, row.id));
    rig.fake.control.userEdit({ chatId: group, messageId: reply.message_id, text: "Price is 90" });
    const answer = await waitFor(() => answersTo(reply.message_id)[0], 10_000);
    expect(answer.text).toContain("only within 15 minutes");
    const photo = rig.fake.control.userMessage({
      chatId: group,
      userId: manager,
      caption: "Our catalogue",
      replyTo: reply.message_id,
      file: { kind: "photo", bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), mimeType: "image/jpeg" },
    });
    rig.fake.control.userEdit({ chatId: group, messageId: photo.message_id, text: "Our new catalogue" });
    const told = await waitFor(() => answersTo(photo.message_id)[0], 10_000);
    expect(told.text).toContain("only text can be edited");
    expect(
      ga.control.messageChanges(ID).filter((c) => c.method === "editMessage" && c.idMessage === row.idMessage),
    ).toEqual([]);
    expect((await rowOf(row.id)).text).toBe("Price is 100");
  });

  test("/delete answering one's reply deletes it in WhatsApp for everyone; a colleague's /delete is refused", async () => {
    const { reply, row } = await managerReply("Sent to the wrong chat");
    const other = rig.fake.control.userMessage({
      chatId: group,
      userId: colleague,
      text: "/delete",
      replyTo: reply.message_id,
    });
    expect((await waitFor(() => answersTo(other.message_id)[0], 10_000)).text).toContain("Only your own replies");
    const command = rig.fake.control.userMessage({
      chatId: group,
      userId: manager,
      text: "/delete",
      replyTo: reply.message_id,
    });
    const change = await waitFor(
      () => ga.control.messageChanges(ID).find((c) => c.method === "deleteMessage" && c.idMessage === row.idMessage),
      10_000,
    );
    expect(change).toMatchObject({ chatId: CUSTOMER, applied: true });
    await waitFor(async () => (await rowOf(row.id)).deletedAt !== null);
    const told = await waitFor(() => answersTo(reply.message_id).find((s) => s.text?.startsWith("🗑")), 10_000);
    expect(told.text).toContain("Deleted in WhatsApp for everyone");
    // The command itself never went to WhatsApp.
    expect(ga.control.sentMessages(ID).some((s) => s.text === "/delete")).toBe(false);
    expect(answersTo(command.message_id)).toEqual([]);
  });

  test("an edit to `/q code` sends that quick reply's text, not the command", async () => {
    await rig.deps.db.insert(quickReplies).values({ instanceId, code: "late", text: "Sorry {name}, we run late" });
    const { reply, row } = await managerReply("We are late");
    rig.fake.control.userEdit({ chatId: group, messageId: reply.message_id, text: "/q late" });
    const change = await waitFor(
      () => ga.control.messageChanges(ID).find((c) => c.method === "editMessage" && c.idMessage === row.idMessage),
      10_000,
    );
    expect(change.text).toBe("Sorry Anna, we run late");
  });

  test("/help tells how edits, deletes and reactions work; /delete not answering a reply says how", async () => {
    const help = rig.fake.control.userMessage({ chatId: group, userId: colleague, text: "/help" });
    expect((await waitFor(() => answersTo(help.message_id)[0], 10_000)).text).toContain("/delete");
    const bare = rig.fake.control.userMessage({ chatId: group, userId: colleague, text: "/delete" });
    expect((await waitFor(() => answersTo(bare.message_id)[0], 10_000)).text).toContain(
      "answer that reply with /delete",
    );
  });
});

describe("a customer's WhatsApp edit or delete on the post", () => {
  const postEdits = (messageId: number) => rig.fake.control.edits(group).filter((e) => e.messageId === messageId);

  test("an edit shows the new text under the original with an edited mark", async () => {
    const { post, idMessage } = await customerPost("I want 3 boxes");
    ga.control.injectIncoming(ID, {
      type: "editedMessage",
      chatId: CUSTOMER,
      stanzaId: idMessage,
      text: "I want 5 boxes",
    });
    const edit = await waitFor(() => postEdits(post.messageId)[0], 10_000);
    expect(edit.text).toStartWith(post.text!);
    expect(edit.text).toEndWith("\n\n✏️ Edited by the customer:\nI want 5 boxes");
  });

  test("a delete keeps the text readable and marks it deleted by the customer", async () => {
    const { post, idMessage } = await customerPost("My card number is wrong");
    ga.control.injectIncoming(ID, { type: "deletedMessage", chatId: CUSTOMER, stanzaId: idMessage });
    const edit = await waitFor(() => postEdits(post.messageId)[0], 10_000);
    expect(edit.text).toBe(`${post.text}\n\n🗑 Deleted by the customer`);
    // The same state again (a re-delivery) is not posted twice: a later change, marked, shows it was handled.
    const later = await customerPost("Ignore that");
    ga.control.injectIncoming(ID, { type: "deletedMessage", chatId: CUSTOMER, stanzaId: idMessage });
    ga.control.injectIncoming(ID, { type: "deletedMessage", chatId: CUSTOMER, stanzaId: later.idMessage });
    await waitFor(() => postEdits(later.post.messageId)[0], 10_000);
    expect(postEdits(post.messageId)).toHaveLength(1);
    const [row] = await rig.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
    const queued = await rig.deps.db
      .select({ method: telegramPosts.method })
      .from(telegramPosts)
      .where(and(eq(telegramPosts.messageId, row!.id), like(telegramPosts.method, "edit%")));
    expect(queued).toEqual([{ method: "editMessageText" }]);
  });
});

describe("a customer's media message deleted", () => {
  test("the photo's caption gets the mark (editMessageCaption)", async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await Bun.write(join(rig.dataDir, "media", sha256), bytes);
    const [chat] = await rig.deps.db.select().from(chats).where(eq(chats.waChatId, CUSTOMER));
    const media = { kind: "image", mimeType: "image/jpeg", sha256, size: bytes.length, state: "ready" } as const;
    const id = await incoming(rig.deps, { instanceId, chatId: chat!.id, text: "the sofa", media });
    const photo = await waitFor(
      () => rig.fake.control.sent(group).find((s) => s.caption?.endsWith("the sofa")),
      10_000,
    );
    ga.control.injectIncoming(ID, { type: "deletedMessage", chatId: CUSTOMER, stanzaId: (await rowOf(id)).idMessage! });
    const edit = await waitFor(
      () => rig.fake.control.edits(group).find((e) => e.messageId === photo.messageId),
      10_000,
    );
    expect(edit.text).toBe(`${photo.caption}\n\n🗑 Deleted by the customer`);
  });
});

describe("in a channel, in its language", () => {
  test("an admin's edits go to WhatsApp, a late one is explained; the customer's delete is marked, all in Russian", async () => {
    const tg = rig.fake.control;
    const channel = tg.createChat({ type: "channel", title: "Лента продаж" });
    tg.addBot(channel);
    await rig.deps.db
      .update(instances)
      .set({ telegramChatId: channel, telegramLocale: "ru" })
      .where(eq(instances.id, instanceId));
    const idMessage = crypto.randomUUID().replaceAll("-", "").toUpperCase();
    ga.control.injectIncoming(ID, { type: "textMessage", chatId: CUSTOMER, text: "Есть доставка?", idMessage });
    const post = await waitFor(() => tg.sent(channel).find((s) => s.text?.endsWith("Есть доставка?")), 10_000);
    await rig.telegram.poster.idle();
    const reply = tg.channelPost({ chatId: channel, text: "Завтра", replyTo: post.messageId, authorSignature: "Olga" });
    const row = await waitFor(async () => {
      const [m] = await rig.deps.db.select().from(messages).where(eq(messages.text, "Завтра"));
      return m?.idMessage && m.status !== "sending" && m.status !== "queued" ? m : undefined;
    }, 10_000);
    tg.userEdit({ chatId: channel, messageId: reply.message_id, text: "Сегодня" });
    await waitFor(
      () => ga.control.messageChanges(ID).find((c) => c.idMessage === row.idMessage && c.text === "Сегодня"),
      10_000,
    );
    await rig.deps.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(messages.id, row.id));
    tg.userEdit({ chatId: channel, messageId: reply.message_id, text: "Послезавтра" });
    const told = await waitFor(
      () => tg.sent(channel).find((s) => s.replyTo === reply.message_id && s.method === "sendMessage"),
      10_000,
    );
    expect(told.text).toContain("только в течение 15 минут");
    expect((await rowOf(row.id)).text).toBe("Сегодня");
    ga.control.injectIncoming(ID, { type: "deletedMessage", chatId: CUSTOMER, stanzaId: idMessage });
    const edit = await waitFor(() => tg.edits(channel).find((e) => e.messageId === post.messageId), 10_000);
    expect(edit.text).toBe(`${post.text}\n\n🗑 Клиент удалил сообщение`);
  });
});
