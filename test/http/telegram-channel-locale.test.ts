// Each number's Telegram channel has a language (instances.telegram_locale): its posts (messages, state, notes) and the
// bot's answers there use it, while the app's DEFAULT_LOCALE is English; a number without one posts in the default.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { instances, messages } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { teamOf } from "../../src/team/index.ts";
import { createPostStore } from "../../src/telegram/posts.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { incoming, startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

let rig: TelegramRig;
let ruGroup: number;
let enGroup: number;
let ruInstance: number;
let enInstance: number;
let stranger: number;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig({ DEFAULT_LOCALE: "en" });
  const tg = rig.fake.control;
  stranger = tg.createUser({ firstName: "Stranger" }).id;
  const owner = tg.createUser({ firstName: "Olga" }).id;
  ruGroup = tg.createChat({ type: "supergroup", title: "Продажи" });
  enGroup = tg.createChat({ type: "supergroup", title: "Sales" });
  for (const group of [ruGroup, enGroup]) {
    tg.addMember(group, owner, "creator");
    tg.addMember(group, stranger);
    tg.addBot(group);
  }
  const { db } = rig.deps;
  ruInstance = await insertInstance(db, "Москва");
  enInstance = await insertInstance(db, "London");
  await db
    .update(instances)
    .set({ telegramChatId: ruGroup, telegramLocale: "ru", notesToTelegram: true })
    .where(eq(instances.id, ruInstance));
  await db
    .update(instances)
    .set({ telegramChatId: enGroup, notesToTelegram: true })
    .where(eq(instances.id, enInstance));
}, 30_000);

afterAll(() => rig.stop());

const textsIn = (group: number) => rig.fake.control.sent(group).map((s) => s.text ?? s.caption ?? "");

test("a channel set to Russian gets its state posts, notes and the bot's answers in Russian", async () => {
  const { db, bus } = rig.deps;
  for (const instanceId of [ruInstance, enInstance])
    bus.publish({ name: EVENTS.instanceChanged, instanceId, data: { state: "notAuthorized", transition: true } });
  await waitFor(() => textsIn(ruGroup).some((t) => t.includes("вышел из WhatsApp")), 10_000);
  await waitFor(() => textsIn(enGroup).some((t) => t.includes("logged out of WhatsApp")), 10_000);

  const ruChat = await insertChat(db, ruInstance, "79001110001@c.us", "Катя");
  const enChat = await insertChat(db, enInstance, "79001110002@c.us", "Kate");
  const author = {
    id: (await rig.deps.users.create({ username: "max", password: "password123" })).id,
    displayName: "Max",
  };
  await teamOf(rig.deps).notes.add({ id: ruChat, instanceId: ruInstance }, author, "перезвонить", "n-ru-1");
  await teamOf(rig.deps).notes.add({ id: enChat, instanceId: enInstance }, author, "call back", "n-en-1");
  expect(await waitFor(() => textsIn(ruGroup).find((t) => t.includes("перезвонить")), 10_000)).toContain(
    "Заметка от Max",
  );
  expect(await waitFor(() => textsIn(enGroup).find((t) => t.includes("call back")), 10_000)).toContain("Note by Max");

  // Someone not linked answers a customer's post: the bot explains, in the channel's language.
  for (const [instanceId, chatId, group, text] of [
    [ruInstance, ruChat, ruGroup, "Где мой заказ?"],
    [enInstance, enChat, enGroup, "Where is my order?"],
  ] as const) {
    await incoming(rig.deps, { instanceId, chatId, text, senderName: "Customer" });
    const post = await waitFor(() => rig.fake.control.sent(group).find((s) => s.text?.endsWith(text)), 10_000);
    await rig.telegram.poster.idle(); // the post's Telegram id is recorded: a reply to it is found
    rig.fake.control.userMessage({ chatId: group, userId: stranger, text: "hi", replyTo: post.messageId });
  }
  expect(await waitFor(() => textsIn(ruGroup).find((t) => t.startsWith("Извините")), 10_000)).toContain("«Москва»");
  expect(await waitFor(() => textsIn(enGroup).find((t) => t.startsWith("Sorry")), 10_000)).toContain("“London”");
  // A manager's reply from the channel that WhatsApp refused: the reason follows in the channel's language.
  const [failed] = await db
    .insert(messages)
    .values({
      instanceId: ruInstance,
      chatId: ruChat,
      direction: "out",
      type: "textMessage",
      via: "telegram",
      text: "ответ",
      status: "failed",
      failReason: "noAccount",
    })
    .returning({ id: messages.id });
  const replyPost = rig.fake.control.userMessage({ chatId: ruGroup, userId: stranger, text: "ответ" });
  await createPostStore(db).recordReply(ruGroup, replyPost.message_id, failed!.id, ruInstance);
  await rig.telegram.notifier.syncReaction(failed!.id);
  expect(await waitFor(() => textsIn(ruGroup).find((t) => t.startsWith("Не отправлено")), 10_000)).toBe(
    "Не отправлено в WhatsApp: у этого номера нет WhatsApp",
  );
  expect(textsIn(ruGroup).filter((t) => /\b(Sorry|Note by|logged out)\b/.test(t))).toEqual([]);
});

test("a customer's location is posted with our label in the channel's language and their words as sent", async () => {
  const customer = async (instanceId: number, idMessage: string, messageData: object) => {
    const { idInstance } = (await rig.deps.instances.getRow(instanceId))!;
    const body = {
      ...REFERENCE_ENVELOPE,
      instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
      timestamp: Math.floor(Date.now() / 1000),
      idMessage,
      senderData: { chatId: "79001110003@c.us", chatName: "Lena", sender: "79001110003@c.us", senderName: "Lena" },
      messageData,
    };
    expect((await rig.deps.intake.accept(instanceId, idInstance, body, "webhook")).ok).toBe(true);
  };
  for (const instanceId of [ruInstance, enInstance])
    await customer(instanceId, `LOC-${instanceId}`, {
      typeMessage: "locationMessage",
      locationMessageData: { latitude: 55.75, longitude: 37.61, nameLocation: "Main Office", address: "" },
    });
  expect(await waitFor(() => textsIn(ruGroup).find((t) => t.includes("Main Office")), 10_000)).toEndWith(
    "📍 Местоположение: 55.75, 37.61 — Main Office",
  );
  expect(await waitFor(() => textsIn(enGroup).find((t) => t.includes("Main Office")), 10_000)).toEndWith(
    "📍 Location: 55.75, 37.61 — Main Office",
  );
  // A reply to it quotes the location in the channel's language too.
  await customer(ruInstance, "LOC-REPLY", {
    typeMessage: "quotedMessage",
    extendedTextMessageData: { text: "Жду там", stanzaId: `LOC-${ruInstance}`, participant: "79001110003@c.us" },
    quotedMessage: { stanzaId: `LOC-${ruInstance}`, participant: "79001110003@c.us", typeMessage: "locationMessage" },
  });
  expect(await waitFor(() => textsIn(ruGroup).find((t) => t.endsWith("Жду там")), 10_000)).toContain(
    "↩️ 📍 Местоположение: 55.75, 37.61 — Main Office",
  );
});
