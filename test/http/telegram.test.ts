// The Telegram bot against both fakes: channel binding, notifications, replies to WhatsApp with reactions, refusals, outages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { instances, messages, telegramChats } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertFakeInstance } from "../support/fixtures.ts";
import {
  incoming,
  linkedUser,
  startTelegramGreenApi,
  startTelegramRig,
  type TelegramRig,
} from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103777001;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fe";
const CUSTOMER = "79001112233@c.us";
let ga: FakeGreenApi;
let rig: TelegramRig;
let instanceId: number;
let chatId: number;
let channel: number;
let group: number;
let manager: { tg: number; userId: number };
let stranger: number;

beforeAll(async () => {
  await resetDatabase();
  ga = startTelegramGreenApi(ID, TOKEN, { outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" });
  rig = await startTelegramRig();
  const row = await insertFakeInstance(rig.deps.db, ga, { name: "Sales", idInstance: ID, apiToken: TOKEN });
  instanceId = row.id;
  chatId = await insertChat(rig.deps.db, instanceId, CUSTOMER, "Anna");
  const tg = rig.fake.control;
  const owner = tg.createUser({ firstName: "Olga", username: "olga" }).id;
  manager = { tg: tg.createUser({ firstName: "Max" }).id, userId: 0 };
  stranger = tg.createUser({ firstName: "Stranger" }).id;
  channel = tg.createChat({ type: "channel", title: "Sales feed", username: "salesfeed" });
  group = tg.createChat({ type: "supergroup", title: "Sales desk" });
  tg.addMember(group, owner, "creator");
  tg.addMember(group, manager.tg);
  tg.addMember(group, stranger);
  manager.userId = await linkedUser(rig.deps, "max", manager.tg, instanceId);
  rig.deps.outbox.start();
  rig.deps.poller.start(row);
}, 30_000);

afterAll(async () => {
  await rig.deps.poller.stopAll();
  await rig.deps.outbox.stop();
  await rig.stop();
  await ga.stop();
});

const link = (tgChatId: number | null) =>
  rig.deps.db.update(instances).set({ telegramChatId: tgChatId }).where(eq(instances.id, instanceId));
const chatRow = async (id: number) =>
  (await rig.deps.db.select().from(telegramChats).where(eq(telegramChats.id, id)))[0];

describe("channel binding", () => {
  test("the bot added as admin to a channel and a group is recorded with its rights; removal is recorded", async () => {
    rig.fake.control.addBot(channel);
    rig.fake.control.addBot(group);
    const row = await waitFor(() => chatRow(channel));
    expect(row).toMatchObject({
      type: "channel",
      title: "Sales feed",
      username: "salesfeed",
      botStatus: "administrator",
      canPost: true,
    });
    expect((row!.rights as { can_post_messages?: boolean }).can_post_messages).toBe(true);
    await waitFor(() => chatRow(group));
    expect((await rig.telegram.chats.listPostable()).map((c) => c.id).sort()).toEqual([channel, group].sort());

    const spare = rig.fake.control.createChat({ type: "channel", title: "Old feed" });
    rig.fake.control.addBot(spare);
    await waitFor(() => chatRow(spare));
    rig.fake.control.removeBot(spare);
    await waitFor(async () => (await chatRow(spare))?.botStatus === "left");
    expect((await chatRow(spare))!.canPost).toBe(false);
    expect((await rig.telegram.chats.listPostable()).map((c) => c.id)).not.toContain(spare);
  });
});

describe("notifications", () => {
  test("an incoming text is posted to the linked channel with a bold header within 1 s; unlinked instances post nothing", async () => {
    await incoming(rig.deps, { instanceId, chatId, text: "before linking" });
    await rig.telegram.notifier.settled();
    await link(channel);
    const started = Date.now();
    await incoming(rig.deps, { instanceId, chatId, text: "Hello, is the sofa available?", senderName: "Anna K" });
    const sent = await waitFor(() => rig.fake.control.sent(channel).find((s) => s.text?.includes("sofa")), 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sent.text).toBe("Anna K · +79001112233\n📱 Sales\n\nHello, is the sofa available?");
    expect(sent.entities).toEqual([{ type: "bold", offset: 0, length: "Anna K · +79001112233".length }]);
    expect(rig.fake.control.sent().some((s) => s.text?.includes("before linking"))).toBe(false);
  });

  test("an image with caption arrives as a native photo with the header in the caption", async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await Bun.write(join(rig.dataDir, "media", sha256), bytes);
    await incoming(rig.deps, {
      instanceId,
      chatId,
      text: "this one",
      senderName: "Anna K",
      media: {
        kind: "image",
        mimeType: "image/jpeg",
        fileName: "sofa.jpg",
        sha256,
        size: bytes.length,
        state: "ready",
      },
    });
    const photo = await waitFor(() => rig.fake.control.sent(channel).find((s) => s.method === "sendPhoto"), 1000);
    expect(photo.caption).toBe("Anna K · +79001112233\n📱 Sales\n\nthis one");
    expect(photo.file).toMatchObject({ kind: "photo", uploaded: true });
    expect(rig.fake.control.fileBytes(photo.file!.fileId)).toEqual(bytes);
  });

  test("media whose download failed goes as text with a note; long text is split at 4096", async () => {
    await incoming(rig.deps, {
      instanceId,
      chatId,
      senderName: "Anna K",
      media: { kind: "voice", state: "failed", error: "gone" },
      type: "audioMessage",
    });
    await waitFor(() =>
      rig.fake.control.sent(channel).find((s) => s.text?.includes("Voice message: the file is not available")),
    );
    await incoming(rig.deps, { instanceId, chatId, text: "word ".repeat(1700), senderName: "Anna K" });
    const parts = await waitFor(() => {
      const found = rig.fake.control.sent(channel).filter((s) => s.text?.includes("word word"));
      return found.length === 3 && found;
    });
    expect(parts.every((p) => p.text!.length <= 4096)).toBe(true);
  });

  test("instance state changes are announced once; page refreshes repeating the state are not", async () => {
    rig.deps.bus.publish({ name: EVENTS.instanceChanged, instanceId, data: { state: "notAuthorized" } });
    rig.deps.bus.publish({ name: EVENTS.instanceChanged, instanceId, data: { state: "notAuthorized", part: "state" } });
    await rig.telegram.notifier.settled();
    await rig.telegram.poster.idle();
    const text = "📱 Sales: logged out of WhatsApp: scan the QR code again";
    expect(rig.fake.control.sent(channel).filter((s) => s.text === text)).toHaveLength(1);
  });
});

describe("replies", () => {
  test("a linked manager's reply in the group reaches WhatsApp; 👍 when accepted, then 👌 when delivered", async () => {
    await link(group);
    const messageId = await incoming(rig.deps, { instanceId, chatId, text: "Price?", senderName: "Anna K" });
    const post = await waitFor(() => rig.fake.control.sent(group).find((s) => s.text?.endsWith("Price?")));
    await rig.telegram.poster.idle();
    const reply = rig.fake.control.userMessage({
      chatId: group,
      userId: manager.tg,
      text: "It is 500 €",
      replyTo: post.messageId,
    });
    const out = await waitFor(() => ga.control.sentMessages(ID).find((s) => s.text === "It is 500 €"));
    expect(out.chatId).toBe(CUSTOMER);
    const reactions = () =>
      rig.fake.control
        .reactions(group)
        .filter((r) => r.messageId === reply.message_id)
        .map((r) => r.emojis[0]);
    await waitFor(() => reactions().includes("👌"), 10_000);
    expect(reactions()).toEqual(["👍", "👌"]);
    const [stored] = await rig.deps.db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, `tg:${group}:${reply.message_id}`));
    expect(stored).toMatchObject({ via: "telegram", senderUserId: manager.userId, direction: "out" });
    expect(messageId).toBeGreaterThan(0);
  });

  test("a voice-note reply is fetched from Telegram and reaches WhatsApp as sendFileByUpload", async () => {
    const post = rig.fake.control.sent(group).find((s) => s.text?.endsWith("Price?"))!;
    const voice = new Uint8Array([79, 103, 103, 83, 0, 2, 0, 0, 1, 2, 3, 4]); // "OggS…"
    const reply = rig.fake.control.userMessage({
      chatId: group,
      userId: manager.tg,
      replyTo: post.messageId,
      file: { kind: "voice", bytes: voice, mimeType: "audio/ogg" },
    });
    const out = await waitFor(
      () => ga.control.sentMessages(ID).find((s) => s.method === "sendFileByUpload" && s.fileName === "voice.ogg"),
      10_000,
    );
    expect(out.chatId).toBe(CUSTOMER);
    const [stored] = await rig.deps.db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, `tg:${group}:${reply.message_id}`));
    expect(stored).toMatchObject({ via: "telegram", senderUserId: manager.userId, direction: "out" });
    expect(stored!.media).toMatchObject({ fileName: "voice.ogg", mimeType: "audio/ogg", size: voice.length });
  });

  test("an unlinked member's reply is refused politely and nothing goes to WhatsApp", async () => {
    const post = rig.fake.control.sent(group).find((s) => s.text?.endsWith("Price?"))!;
    const before = ga.control.sentMessages(ID).length;
    const reply = rig.fake.control.userMessage({
      chatId: group,
      userId: stranger,
      text: "I am not staff",
      replyTo: post.messageId,
    });
    const refusal = await waitFor(() => rig.fake.control.sent(group).find((s) => s.replyTo === reply.message_id));
    expect(refusal.text).toContain("only team members linked to GreenInbox");
    await Bun.sleep(300);
    expect(ga.control.sentMessages(ID).length).toBe(before);
    expect(ga.control.sentMessages(ID).some((s) => s.text === "I am not staff")).toBe(false);
  });

  test("a channel admin's reply to a post (no sender) goes out under the channel signature", async () => {
    await link(channel);
    await incoming(rig.deps, { instanceId, chatId, text: "Delivery?", senderName: "Anna K" });
    const post = await waitFor(() => rig.fake.control.sent(channel).find((s) => s.text?.endsWith("Delivery?")));
    await rig.telegram.poster.idle();
    rig.fake.control.channelPost({
      chatId: channel,
      text: "Tomorrow",
      replyTo: post.messageId,
      authorSignature: "Olga",
    });
    await waitFor(() => ga.control.sentMessages(ID).find((s) => s.text === "Tomorrow"));
    const [stored] = await rig.deps.db.select().from(messages).where(eq(messages.text, "Tomorrow"));
    expect(stored).toMatchObject({ via: "telegram", senderName: "Olga", senderUserId: null });
  });

  test("a reply in a chat the number has left is refused with a message and nothing goes to WhatsApp", async () => {
    // The number posts to the channel now; the group's old post is still there to reply to.
    const post = rig.fake.control.sent(group).find((s) => s.text?.endsWith("Price?"))!;
    const reply = rig.fake.control.userMessage({
      chatId: group,
      userId: manager.tg,
      text: "Still here?",
      replyTo: post.messageId,
    });
    const refusal = await waitFor(() => rig.fake.control.sent(group).find((s) => s.replyTo === reply.message_id));
    expect(refusal.text).toContain("no longer posts to this chat");
    expect(
      await rig.deps.db
        .select()
        .from(messages)
        .where(eq(messages.idempotencyKey, `tg:${group}:${reply.message_id}`)),
    ).toEqual([]);
    expect(ga.control.sentMessages(ID).some((s) => s.text === "Still here?")).toBe(false);
  });
});

describe("outages", () => {
  test("Telegram down for a while: nothing is lost and posts go out in order afterwards", async () => {
    await rig.telegram.poster.idle();
    rig.fake.control.faults({ downForMs: 1500, next500: 0 });
    const texts = Array.from({ length: 12 }, (_, i) => `queued ${i}`);
    for (const text of texts) await incoming(rig.deps, { instanceId, chatId, text, senderName: "Anna K" });
    await Bun.sleep(500);
    expect(rig.fake.control.sent(channel).some((s) => s.text?.includes("queued"))).toBe(false);
    expect(await rig.telegram.poster.idle(15_000)).toBe(true);
    const posted = rig.fake.control
      .sent(channel)
      .map((s) => s.text ?? "")
      .filter((t) => t.includes("queued"))
      .map((t) => t.split("\n\n")[1]);
    expect(posted).toEqual(texts);
    rig.fake.control.faults({ next500: 3 });
    await incoming(rig.deps, { instanceId, chatId, text: "after 500s", senderName: "Anna K" });
    await waitFor(() => rig.fake.control.sent(channel).find((s) => s.text?.endsWith("after 500s")), 5000);
    expect(rig.fake.control.violations()).toBe(0);
  });
});
