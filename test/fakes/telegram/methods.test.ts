// The fake Bot API over real HTTP: envelopes, both body forms, refusals, uploads and downloads, reactions, chat info.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Api, type GrammyError, InputFile } from "grammy";
import { startFakeTelegram, type FakeTelegram } from "./index.ts";

let fake: FakeTelegram;
let api: Api;
let channel: number;
let group: number;
let alice: number;

beforeAll(() => {
  fake = startFakeTelegram({ rateLimits: false });
  api = new Api(fake.token, { apiRoot: fake.url });
  alice = fake.control.createUser({ firstName: "Alice", username: "alice" }).id;
  channel = fake.control.createChat({ type: "channel", title: "Sales feed", username: "salesfeed" });
  group = fake.control.createChat({ type: "supergroup", title: "Sales team" });
  fake.control.addMember(group, alice, "creator");
  fake.control.addBot(channel);
  fake.control.addBot(group);
});
afterAll(() => fake.stop());

const raw = (method: string, init?: RequestInit, token = fake.token) =>
  fetch(`${fake.url}/bot${token}/${method}`, init);

describe("envelope", () => {
  test("getMe answers {ok, result} for the right token, 401 otherwise, 404 for unknown methods", async () => {
    expect(await api.getMe()).toMatchObject({ is_bot: true, username: fake.botUsername });
    const bad = await raw("getMe", undefined, "1:wrong");
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await raw("sendTelepathy", { method: "POST" });
    expect(unknown.status).toBe(404);
    expect((await raw("GETME")).status).toBe(200);
  });

  test("parameters arrive as JSON, urlencoded text or query, nested objects as JSON text", async () => {
    const first = await api.sendMessage(group, "first");
    const form = new URLSearchParams({
      chat_id: String(group),
      text: "second",
      reply_parameters: JSON.stringify({ message_id: first.message_id }),
    });
    const res = await raw("sendMessage", { method: "POST", body: form });
    const body = (await res.json()) as { ok: boolean; result: { reply_to_message: { message_id: number } } };
    expect(body.ok).toBe(true);
    expect(body.result.reply_to_message.message_id).toBe(first.message_id);
    const viaQuery = await raw(`sendMessage?chat_id=${group}&text=third&reply_to_message_id=${first.message_id}`);
    expect(
      ((await viaQuery.json()) as { result: { reply_to_message: unknown } }).result.reply_to_message,
    ).toBeDefined();
  });

  test("Telegram's refusals: missing reply target, empty and long text, bad HTML, no rights", async () => {
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: GrammyError) => `${e.error_code} ${e.description}`,
      );
    expect(await refusal(api.sendMessage(group, "x", { reply_parameters: { message_id: 9999 } }))).toBe(
      "400 Bad Request: message to be replied not found",
    );
    expect(
      (await api.sendMessage(group, "x", { reply_parameters: { message_id: 9999, allow_sending_without_reply: true } }))
        .reply_to_message,
    ).toBeUndefined();
    expect(await refusal(api.sendMessage(group, " "))).toBe("400 Bad Request: message text is empty");
    expect(await refusal(api.sendMessage(group, "y".repeat(4097)))).toBe("400 Bad Request: message is too long");
    expect(await refusal(api.sendMessage(group, "<x>hi</x>", { parse_mode: "HTML" }))).toBe(
      '400 Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
    );
    expect(await refusal(api.sendMessage(-100999, "x"))).toBe("400 Bad Request: chat not found");
    expect(await refusal(api.sendMessage(alice, "x"))).toBe(
      "403 Forbidden: bot can't initiate conversation with a user",
    );
    const readOnly = fake.control.createChat({ type: "channel", title: "Read only" });
    fake.control.addBot(readOnly, { canPost: false });
    expect(await refusal(api.sendMessage(readOnly, "x"))).toBe(
      "400 Bad Request: need administrator rights in the channel chat",
    );
  });

  test("HTML becomes text + entities (UTF-16 offsets); the channel post is addressed by @username", async () => {
    const m = await api.sendMessage("@salesfeed", "<b>Анна 👋</b> &lt;hi&gt;", { parse_mode: "HTML" });
    expect(m.text).toBe("Анна 👋 <hi>");
    expect(m.entities).toEqual([{ type: "bold", offset: 0, length: 7 }]);
    expect(m.chat.id).toBe(channel);
    expect(m.from).toBeUndefined();
    expect(fake.control.sent(channel).at(-1)).toMatchObject({
      method: "sendMessage",
      text: "Анна 👋 <hi>",
      parseMode: "HTML",
    });
  });
});

describe("files", () => {
  test("multipart upload (grammY's format), getFile and download, then reuse by file_id", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const sent = await api.sendDocument(group, new InputFile(bytes, "price list.pdf"), {
      caption: "<i>prices</i>",
      parse_mode: "HTML",
    });
    expect(sent.document).toMatchObject({ file_name: "price list.pdf", file_size: 8 });
    expect(sent.caption).toBe("prices");
    const file = await api.getFile(sent.document!.file_id);
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    const res = await fetch(`${fake.url}/file/bot${fake.token}/${file.file_path}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${fake.url}/file/bot1:nope/${file.file_path}`)).status).toBe(404);
    const again = await api.sendDocument(channel, sent.document!.file_id);
    expect(again.document!.file_id).toBe(sent.document!.file_id);
    expect(fake.control.sent(group).at(-1)!.file).toMatchObject({
      kind: "document",
      uploaded: true,
      fileName: "price list.pdf",
    });
    expect(fake.control.sent(channel).at(-1)!.file!.uploaded).toBe(false);
  });

  test("photo, voice and sticker uploads carry their native fields; a caption over 1024 is refused", async () => {
    const photo = await api.sendPhoto(group, new InputFile(new Uint8Array([1, 2, 3]), "a.jpg"), { caption: "look" });
    expect(photo.photo?.at(-1)?.file_id).toBeString();
    const voice = await api.sendVoice(group, new InputFile(new Uint8Array([4, 5]), "v.ogg"));
    expect(voice.voice?.duration).toBeNumber();
    const sticker = await api.sendSticker(group, new InputFile(new Uint8Array([6]), "s.webp"));
    expect(sticker.sticker?.type).toBe("regular");
    const long = api.sendPhoto(group, photo.photo!.at(-1)!.file_id, { caption: "c".repeat(1025) });
    await expect(long).rejects.toThrow("message caption is too long");
    await expect(api.sendPhoto(group, "no-such-file")).rejects.toThrow("wrong file_id");
  });
});

describe("reactions and chat info", () => {
  test("setMessageReaction takes one allowed emoji (or none) and is recorded", async () => {
    const m = await api.sendMessage(group, "react to me");
    expect(await api.setMessageReaction(group, m.message_id, [{ type: "emoji", emoji: "👍" }])).toBe(true);
    await expect(api.setMessageReaction(group, m.message_id, [{ type: "emoji", emoji: "🦆" as "👍" }])).rejects.toThrow(
      "REACTION_INVALID",
    );
    await api.setMessageReaction(group, m.message_id, []);
    expect(
      fake.control
        .reactions(group)
        .filter((r) => r.messageId === m.message_id)
        .map((r) => r.emojis),
    ).toEqual([["👍"], []]);
  });

  test("getChat, getChatAdministrators and getChatMember describe chats and rights", async () => {
    expect(await api.getChat(channel)).toMatchObject({
      id: channel,
      type: "channel",
      title: "Sales feed",
      username: "salesfeed",
    });
    const admins = await api.getChatAdministrators(group);
    expect(admins.map((a) => a.status).sort()).toEqual(["administrator", "creator"]);
    const me = await api.getChatMember(channel, (await api.getMe()).id);
    expect(me).toMatchObject({ status: "administrator", can_post_messages: true });
    expect((await api.getChatMember(group, alice)).status).toBe("creator");
  });
});

describe("faults and control over HTTP", () => {
  test("next 500s answer the JSON envelope; 'down' answers an HTML 502 until it passes", async () => {
    fake.control.faults({ next500: 1 });
    const r500 = await raw("getMe");
    expect(r500.status).toBe(500);
    expect(await r500.json()).toMatchObject({ ok: false, error_code: 500 });
    fake.control.faults({ downForMs: 150 });
    const r502 = await raw("getMe");
    expect(r502.status).toBe(502);
    expect(r502.headers.get("content-type")).toContain("text/html");
    await Bun.sleep(170);
    expect((await raw("getMe")).status).toBe(200);
  });

  test("the control API is mirrored at POST /__control/<name>", async () => {
    const res = await fetch(`${fake.url}/__control/sent`, { method: "POST", body: JSON.stringify([group]) });
    const body = (await res.json()) as { result: Array<{ chatId: number }> };
    expect(body.result.length).toBeGreaterThan(0);
    expect(body.result.every((s) => s.chatId === group)).toBe(true);
    const bad = await fetch(`${fake.url}/__control/userMessage`, {
      method: "POST",
      body: JSON.stringify([{ chatId: group }]),
    });
    expect(bad.status).toBe(400);
  });
});
