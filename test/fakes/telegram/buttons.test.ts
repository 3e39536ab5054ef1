// The fake's inline keyboards over real HTTP: keyboards stored on messages, button presses as callback_query updates,
// answerCallbackQuery and editMessageText with Telegram's refusals; then grammY's own handlers against it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Api, Bot, type GrammyError, InlineKeyboard } from "grammy";
import type { Update } from "grammy/types";
import { waitFor } from "../../support/wait.ts";
import { startFakeTelegram, type FakeTelegram } from "./index.ts";

let fake: FakeTelegram;
let api: Api;
let anna: number;
let boris: number;

beforeAll(() => {
  fake = startFakeTelegram({ rateLimits: false });
  api = new Api(fake.token, { apiRoot: fake.url });
  anna = fake.control.createUser({ firstName: "Anna", languageCode: "ru" }).id;
  boris = fake.control.createUser({ firstName: "Boris" }).id;
  fake.control.start(anna);
  fake.control.start(boris);
});
afterAll(() => fake.stop());

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: GrammyError) => `${e.error_code} ${e.description}`,
  );
const yesNo = () => new InlineKeyboard().text("Yes", "answer:yes").text("No", "answer:no");

async function takeUpdates(): Promise<Update[]> {
  const res = await fetch(`${fake.url}/bot${fake.token}/getUpdates`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const updates = ((await res.json()) as { result: Update[] }).result;
  if (updates.length)
    await fetch(`${fake.url}/bot${fake.token}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ offset: updates.at(-1)!.update_id + 1 }),
    });
  return updates;
}

describe("inline keyboards", () => {
  test("a keyboard sent with a message is on the message, as JSON or as JSON text; other markups are not", async () => {
    const m = await api.sendMessage(anna, "Continue?", { reply_markup: yesNo() });
    expect(m.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: "Yes", callback_data: "answer:yes" },
          { text: "No", callback_data: "answer:no" },
        ],
      ],
    });
    expect(fake.control.sent(anna).at(-1)!.replyMarkup).toEqual(m.reply_markup!);
    const form = new URLSearchParams({ chat_id: String(anna), text: "form", reply_markup: JSON.stringify(yesNo()) });
    const res = (await (
      await fetch(`${fake.url}/bot${fake.token}/sendMessage`, { method: "POST", body: form })
    ).json()) as { result: { reply_markup: unknown } };
    expect(res.result.reply_markup).toEqual(m.reply_markup);
    const plain = await api.sendMessage(anna, "keyboard", { reply_markup: { keyboard: [[{ text: "A" }]] } });
    expect(plain.reply_markup).toBeUndefined();
  });

  test("Telegram's refusals: a button without an action, callback_data over 64 bytes, rows that are not arrays", async () => {
    expect(
      await refusal(api.sendMessage(anna, "x", { reply_markup: { inline_keyboard: [[{ text: "bare" } as never]] } })),
    ).toBe("400 Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    expect(
      await refusal(api.sendMessage(anna, "x", { reply_markup: new InlineKeyboard().text("long", "x".repeat(65)) })),
    ).toBe("400 Bad Request: BUTTON_DATA_INVALID");
    expect(
      await refusal(api.sendMessage(anna, "x", { reply_markup: new InlineKeyboard().text("ok", "я".repeat(32)) })),
    ).toBeNull();
    expect(
      await refusal(api.sendMessage(anna, "x", { reply_markup: { inline_keyboard: [{ text: "row" }] as never } })),
    ).toBe('400 Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  });
});

describe("button presses", () => {
  test("pressing a button is a callback_query update with the message, the presser and the data; it is answered once", async () => {
    await takeUpdates();
    const m = await api.sendMessage(anna, "Continue?", { reply_markup: yesNo() });
    const id = fake.control.pressButton(anna, m.message_id, "No");
    const [update] = await takeUpdates();
    expect(update!.callback_query).toMatchObject({
      id,
      from: { id: anna, first_name: "Anna" },
      data: "answer:no",
      message: { message_id: m.message_id, chat: { id: anna, type: "private" }, reply_markup: m.reply_markup },
    });
    expect(update!.callback_query!.chat_instance).toMatch(/^-?\d+$/);
    expect(fake.control.openCallbackQueries()).toContain(id);
    expect(await api.answerCallbackQuery(id, { text: "Done" })).toBe(true);
    expect(fake.control.callbackAnswers().at(-1)).toMatchObject({ queryId: id, text: "Done" });
    expect(await refusal(api.answerCallbackQuery(id))).toBe(
      "400 Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect(() => fake.control.pressButton(anna, m.message_id, "Maybe")).toThrow('no button "Maybe"');
    expect(() => fake.control.pressButton(anna, m.message_id, "Yes", boris)).toThrow("only the chat's own user");
  });

  test("a client may send data that no button has (the bot must not trust it)", async () => {
    await takeUpdates();
    const m = await api.sendMessage(boris, "Continue?", { reply_markup: yesNo() });
    fake.control.sendCallback({ chatId: boris, messageId: m.message_id, userId: boris, data: "answer:forged" });
    expect((await takeUpdates())[0]!.callback_query!.data).toBe("answer:forged");
  });
});

describe("editMessageText", () => {
  test("edits the bot's message: new text and edit_date; without reply_markup the keyboard goes", async () => {
    const m = await api.sendMessage(anna, "Continue?", { reply_markup: yesNo() });
    const kept = await api.editMessageText(anna, m.message_id, "Still asking", { reply_markup: yesNo() });
    expect(kept).toMatchObject({ text: "Still asking", reply_markup: m.reply_markup });
    const edited = await api.editMessageText(anna, m.message_id, "<b>Done</b>", { parse_mode: "HTML" });
    expect(edited).toMatchObject({
      message_id: m.message_id,
      text: "Done",
      entities: [{ type: "bold", offset: 0, length: 4 }],
    });
    expect((edited as { edit_date?: number }).edit_date).toBeNumber();
    expect((edited as { reply_markup?: unknown }).reply_markup).toBeUndefined();
    expect(fake.control.messages(anna).find((x) => x.message_id === m.message_id)).toMatchObject({ text: "Done" });
    expect(fake.control.edits(anna).map((e) => [e.text, e.replyMarkup !== undefined])).toEqual([
      ["Still asking", true],
      ["Done", false],
    ]);
  });

  test("Telegram's refusals: unknown message, someone else's message, media without text, nothing changed", async () => {
    expect(await refusal(api.editMessageText(anna, 99_999, "x"))).toBe("400 Bad Request: message to edit not found");
    const theirs = fake.control.userMessage({ chatId: anna, userId: anna, text: "hi" });
    expect(await refusal(api.editMessageText(anna, theirs.message_id, "x"))).toBe(
      "400 Bad Request: message can't be edited",
    );
    const photo = fake.control.userMessage({
      chatId: anna,
      userId: anna,
      file: { kind: "photo", bytes: new Uint8Array([1]) },
    });
    const sentPhoto = await api.sendPhoto(anna, photo.photo!.at(-1)!.file_id);
    expect(await refusal(api.editMessageText(anna, sentPhoto.message_id, "x"))).toBe(
      "400 Bad Request: there is no text in the message to edit",
    );
    const m = await api.sendMessage(anna, "Same", { reply_markup: yesNo() });
    expect(await refusal(api.editMessageText(anna, m.message_id, "Same", { reply_markup: yesNo() }))).toStartWith(
      "400 Bad Request: message is not modified",
    );
  });
});

test("grammY: bot.callbackQuery answers and edits through the fake", async () => {
  await takeUpdates();
  const bot = new Bot(fake.token, { client: { apiRoot: fake.url } });
  bot.callbackQuery(/^answer:(yes|no)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: `got ${ctx.match[1]}` });
    await ctx.editMessageText(`You said ${ctx.match[1]}`);
  });
  void bot.start({ allowed_updates: ["callback_query"] });
  const m = await api.sendMessage(boris, "Continue?", { reply_markup: yesNo() });
  const id = fake.control.pressButton(boris, m.message_id, "Yes");
  await waitFor(() => fake.control.edits(boris).some((e) => e.messageId === m.message_id), 3000).finally(() =>
    bot.stop(),
  );
  expect(fake.control.callbackAnswers().find((a) => a.queryId === id)?.text).toBe("got yes");
  expect(fake.control.messages(boris).find((x) => x.message_id === m.message_id)).toMatchObject({
    text: "You said yes",
  });
  expect(fake.control.messages(boris).find((x) => x.message_id === m.message_id)!.reply_markup).toBeUndefined();
});
