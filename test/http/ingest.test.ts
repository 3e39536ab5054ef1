// Ingest: every webhook example of the reference through the intake into chats, messages, reactions and renderings.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { chats, instances, messages, notifications, reactions } from "../../src/db/schema/index.ts";
import {
  MESSAGE_DATA_EXAMPLES,
  OTHER_NOTIFICATION_EXAMPLES,
  REFERENCE_ENVELOPE,
  INSTANCE_DATA,
  messageEnvelope,
} from "../../src/greenapi/examples.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { AppEvent } from "../../src/events/bus.ts";
import { translator } from "../../src/lib/i18n.ts";
import { systemLineText } from "../../src/lib/system-lines.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

const ID = INSTANCE_DATA.idInstance;
const CHAT = "79001234568@c.us";
const en = translator("en");
const ru = translator("ru");
let app: TestApp;
let instanceId: number;
const events: AppEvent[] = [];

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const [row] = await app.deps.db
    .insert(instances)
    .values({
      name: "Sales",
      idInstance: ID,
      apiToken: "a".repeat(50),
      apiUrl: "http://127.0.0.1:1",
      mediaUrl: "http://127.0.0.1:1",
      webhookToken: "w".repeat(24),
      state: "authorized",
    })
    .returning();
  instanceId = row!.id;
  app.deps.bus.subscribe((e) => events.push(e));
}, 30_000);
afterAll(() => app.stop());

let seq = 0;
/** Accepts one notification (a fresh idMessage unless given) and waits until the handlers ran. */
async function feed(body: Record<string, unknown>, idMessage = `ID${String(++seq).padStart(6, "0")}`) {
  const withId = "idMessage" in body ? { ...body, idMessage } : body;
  const result = await app.deps.intake.accept(instanceId, ID, withId, "webhook");
  expect(result.ok).toBe(true);
  await app.deps.intake.idle();
  return idMessage;
}

async function message(idMessage: string) {
  const [row] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
  return row!;
}

async function chatRow(waChatId = CHAT) {
  const [row] = await app.deps.db
    .select()
    .from(chats)
    .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, waChatId)));
  return row!;
}

/** The English body expected for each example of the reference (text, caption or rendering). */
const EXPECTED: Record<string, { text: string; quoted?: string; media?: string }> = {
  textMessage: { text: "{{SWE001}}" },
  extendedTextMessage: { text: "see https://x.y" },
  quotedMessage: { text: "reply", quoted: "BAE5F4886F6F2D05" },
  imageMessage: { text: "look", media: "image" },
  videoMessage: { text: "look", media: "video" },
  audioMessage: { text: "look", media: "audio" },
  documentMessage: { text: "look", media: "document" },
  stickerMessage: { text: "look", media: "sticker" },
  locationMessage: { text: "📍 Location: 55.75, 37.61 — Office, Main st 1" },
  contactMessage: { text: "👤 Contact: Ann" },
  contactsArrayMessage: { text: "👥 1 contact: Ann" },
  pollMessage: { text: "📊 Poll: Lunch? (yes / no)" },
  pollUpdateMessage: { text: "📊 Votes in “Lunch?”: yes: 1, no: 0", quoted: "BAE5A1" },
  buttonsResponseMessage: { text: "🔘 Chosen: Yes", quoted: "S1" },
  listResponseMessage: { text: "🔘 Chosen: Pick", quoted: "S1" },
  templateButtonsReplyMessage: { text: "🔘 Chosen: OK", quoted: "S1" },
  templateButtonReplyMessage: { text: "🔘 Chosen: No", quoted: "S1" },
  interactiveButtonsResponse: { text: "🔘 Chosen: OK", quoted: "S1" },
  groupInviteMessage: { text: "👥 Invitation to the group “Team”" },
  buttonsMessage: { text: "🔘 Message with buttons: Choose (A)" },
  listMessage: { text: "🔘 Message with buttons: Menu (r)" },
  templateMessage: { text: "🔘 Message with buttons: T" },
  interactiveButtons: { text: "🔘 Message with buttons: T" },
  interactiveButtonsReply: { text: "🔘 Message with buttons: T" },
};
const EFFECTS = new Set(["reactionMessage", "editedMessage", "deletedMessage"]);

describe("ingest of the reference examples", () => {
  test("the reference envelope becomes a chat and an incoming text message", async () => {
    await feed(REFERENCE_ENVELOPE, String(REFERENCE_ENVELOPE.idMessage));
    const m = await message(String(REFERENCE_ENVELOPE.idMessage));
    expect(m).toMatchObject({
      instanceId,
      direction: "in",
      via: "whatsapp",
      type: "textMessage",
      text: "hi",
      senderName: "John",
      status: null,
      raw: REFERENCE_ENVELOPE,
    });
    expect(m.sentAt.getTime()).toBe(1588091580 * 1000);
    const chat = await chatRow();
    expect(chat).toMatchObject({ name: "John", unreadCount: 1, lastMessagePreview: "hi" });
    expect(chat.lastMessageAt!.getTime()).toBe(1588091580 * 1000);
    expect(events.map((e) => e.name)).toEqual([EVENTS.messageCreated, EVENTS.chatUpdated]);
    expect(events[0]).toMatchObject({ instanceId, data: { messageId: m.id, chatId: chat.id } });
  });

  test("every message type of the reference is stored with its text or rendering", async () => {
    // The message that the reaction, edit and delete examples refer to.
    await feed(
      messageEnvelope(
        { typeMessage: "textMessage", textMessageData: { textMessage: "orig" } },
        "outgoingAPIMessageReceived",
      ),
      "BAE5F4886F6F2D05",
    );
    const unreadBefore = (await chatRow()).unreadCount;
    const missing = Object.keys(MESSAGE_DATA_EXAMPLES).filter((k) => !(k in EXPECTED) && !EFFECTS.has(k));
    expect(missing).toEqual([]);
    for (const [type, data] of Object.entries(MESSAGE_DATA_EXAMPLES)) {
      const id = await feed(messageEnvelope(data));
      const [row] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, id));
      if (EFFECTS.has(type)) {
        expect(row, type).toBeUndefined();
        continue;
      }
      const want = EXPECTED[type]!;
      const got: Record<string, unknown> = {
        type: row!.type,
        text: systemLineText(en, row!),
        quoted: row!.quotedIdMessage ?? undefined,
        media: row!.media?.kind,
      };
      expect(got, type).toEqual({ type, ...want });
      expect(row!.raw, type).toEqual({ ...messageEnvelope(data), idMessage: id });
      if (want.media)
        expect(row!.media).toMatchObject({
          state: "pending",
          downloadUrl: "https://sw-media.storage.yandexcloud.net/1101/a.png",
        });
    }
    const stored = Object.keys(EXPECTED).length;
    expect((await chatRow()).unreadCount).toBe(unreadBefore + stored);
    expect((await message(await feed(messageEnvelope(MESSAGE_DATA_EXAMPLES.documentMessage!)))).media).toMatchObject({
      fileName: "invoice.pdf",
      mimeType: "application/pdf",
    });
  });

  test("the reaction, edit and delete examples act on the message they refer to", async () => {
    const target = await message("BAE5F4886F6F2D05");
    expect(target).toMatchObject({ text: "fixed", originalText: "orig", direction: "out", via: "api" });
    expect(target.editedAt!.getTime()).toBe(1588091580 * 1000);
    expect(target.deletedAt!.getTime()).toBe(1588091580 * 1000);
    expect(
      await app.deps.db
        .select({ reactor: reactions.reactor, emoji: reactions.emoji })
        .from(reactions)
        .where(eq(reactions.messageId, target.id)),
    ).toEqual([{ reactor: CHAT, emoji: "👍" }]);
    const changes = events
      .filter((e) => e.name === EVENTS.messageUpdated && e.data.messageId === target.id)
      .map((e) => e.data.change);
    expect(changes).toEqual(["reaction", "edited", "deleted"]);
  });

  test("renderings follow the reader's language", async () => {
    const rows = await app.deps.db.select().from(messages).where(eq(messages.instanceId, instanceId));
    const byType = (t: string) => rows.find((r) => r.type === t)!;
    expect(systemLineText(ru, byType("locationMessage"))).toBe("📍 Местоположение: 55.75, 37.61 — Office, Main st 1");
    expect(systemLineText(ru, byType("pollMessage"))).toBe("📊 Опрос: Lunch? (yes / no)");
    expect(systemLineText(ru, byType("contactsArrayMessage"))).toBe("👥 1 контакт: Ann");
    expect(systemLineText(ru, byType("buttonsResponseMessage"))).toBe("🔘 Выбрано: Yes");
    // Stored text is the default language (en here), so search finds it.
    expect(byType("locationMessage").text).toBe("📍 Location: 55.75, 37.61 — Office, Main st 1");
  });

  test("an unknown typeMessage is kept with its payload and shown as unsupported", async () => {
    const body = messageEnvelope({ typeMessage: "orderMessage", orderMessageData: { total: 3 } });
    const m = await message(await feed(body));
    expect(m.type).toBe("orderMessage");
    expect(systemLineText(en, m)).toBe("Unsupported message type: orderMessage");
    expect(systemLineText(ru, m)).toBe("Неподдерживаемый тип сообщения: orderMessage");
    expect((m.raw as { messageData: unknown }).messageData).toEqual({
      typeMessage: "orderMessage",
      orderMessageData: { total: 3 },
    });
  });

  test("calls leave one system line whose outcome follows; other notifications store no message", async () => {
    const before = (await app.deps.db.select().from(messages)).length;
    for (const [, body] of OTHER_NOTIFICATION_EXAMPLES) await feed(body, String(body.idMessage ?? ""));
    const call = OTHER_NOTIFICATION_EXAMPLES.find(([type]) => type === "incomingCall")![1];
    let line = await message(String(call.idMessage));
    expect(line).toMatchObject({
      direction: "system",
      type: "incomingCall",
      text: "📞 Incoming call",
      event: { key: "msg.call.offer" },
    });
    await feed({ ...call, status: "missed" }, String(call.idMessage));
    line = await message(String(call.idMessage));
    expect(systemLineText(en, line)).toBe("📞 Incoming call — missed");
    expect(systemLineText(ru, line)).toBe("📞 Входящий звонок — пропущен");
    // Pages render the line from its code, in the reader's language.
    expect(line.event).toEqual({ key: "msg.call.missed" });
    expect(systemLineText(ru, line)).toBe("📞 Входящий звонок — пропущен");
    expect((await app.deps.db.select().from(messages)).length).toBe(before + 1);
  });
});

describe("idempotency", () => {
  test("the same notification twice, or processed twice after a crash, stores one message and counts once", async () => {
    const body = messageEnvelope({ typeMessage: "textMessage", textMessageData: { textMessage: "once" } });
    const id = await feed(body);
    const unread = (await chatRow()).unreadCount;
    expect(await app.deps.intake.accept(instanceId, ID, { ...body, idMessage: id }, "polling")).toMatchObject({
      ok: true,
      duplicate: true,
    });
    // A crash between the handler and the journal's "processed" mark runs the handler again.
    await app.deps.db.update(notifications).set({ processedAt: null });
    await app.deps.intake.drain();
    expect(await app.deps.db.select().from(messages).where(eq(messages.idMessage, id))).toHaveLength(1);
    expect((await chatRow()).unreadCount).toBe(unread);
  });

  test("the webhook echo of a message the outbox sent does not make a twin; it only fills the payload", async () => {
    const sent = await app.deps.outbox.enqueue({
      instanceId,
      waChatId: CHAT,
      text: "from the web",
      idempotencyKey: "echo-1",
      via: "web",
    });
    await app.deps.db
      .update(messages)
      .set({ idMessage: "BAE5ECHO00000001", status: "accepted" })
      .where(eq(messages.id, sent.id));
    const echo = messageEnvelope(
      { typeMessage: "textMessage", textMessageData: { textMessage: "from the web" } },
      "outgoingAPIMessageReceived",
    );
    await feed(echo, "BAE5ECHO00000001");
    const rows = await app.deps.db.select().from(messages).where(eq(messages.idMessage, "BAE5ECHO00000001"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: sent.id,
      via: "web",
      status: "accepted",
      raw: { ...echo, idMessage: "BAE5ECHO00000001" },
    });
  });

  test("a reaction can be replaced and removed; reactions, edits and deletes of unknown messages", async () => {
    const target = await message(
      await feed(messageEnvelope({ typeMessage: "textMessage", textMessageData: { textMessage: "rate me" } })),
    );
    const react = (emoji: string) =>
      messageEnvelope({
        typeMessage: "reactionMessage",
        extendedTextMessageData: { text: emoji },
        quotedMessage: { stanzaId: target.idMessage, participant: CHAT },
      });
    const emojis = async () =>
      (
        await app.deps.db.select({ emoji: reactions.emoji }).from(reactions).where(eq(reactions.messageId, target.id))
      ).map((r) => r.emoji);
    await feed(react("❤️"));
    await feed(react("😂"));
    expect(await emojis()).toEqual(["😂"]);
    await feed(react(""));
    expect(await emojis()).toEqual([]);
    const count = (await app.deps.db.select().from(messages)).length;
    const orphan = await message(
      await feed(
        messageEnvelope({
          typeMessage: "reactionMessage",
          extendedTextMessageData: { text: "🔥" },
          quotedMessage: { stanzaId: "GONE" },
        }),
      ),
    );
    expect(systemLineText(en, orphan)).toBe("🔥 Reaction to a message that is not in the inbox");
    await feed(messageEnvelope({ typeMessage: "deletedMessage", deletedMessageData: { stanzaId: "GONE" } }));
    expect((await app.deps.db.select().from(messages)).length).toBe(count + 1);
  });

  test("a second edit keeps the first original; a group's name comes from chatName, not the member", async () => {
    const target = await message(
      await feed(messageEnvelope({ typeMessage: "textMessage", textMessageData: { textMessage: "v1" } })),
    );
    const edit = (text: string) =>
      messageEnvelope({
        typeMessage: "editedMessage",
        editedMessageData: { textMessage: text, stanzaId: target.idMessage },
      });
    await feed(edit("v2"));
    await feed(edit("v3"));
    expect(await message(target.idMessage!)).toMatchObject({ text: "v3", originalText: "v1" });

    const group = "120363043968066561@g.us";
    const body = {
      ...messageEnvelope({ typeMessage: "textMessage", textMessageData: { textMessage: "hello team" } }),
      senderData: { chatId: group, chatName: "Team", sender: "79001112233@c.us", senderName: "Nick" },
    };
    const m = await message(await feed(body));
    expect(m.senderName).toBe("Nick");
    expect((await chatRow(group)).name).toBe("Team");
  });
});
