// Linking a Telegram account by deep link (asking first when either side is linked elsewhere) and 2FA sign-in codes by DM,
// through the real bot against the fake Bot API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { auditLog, telegramCodes, users } from "../../src/db/schema/index.ts";
import { TelegramNotLinkedError, TelegramSendError } from "../../src/telegram/index.ts";
import { resetDatabase } from "../support/db.ts";
import { startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

let rig: TelegramRig;
let userId: number;
let tgUser: number;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig();
  userId = (await rig.deps.users.create({ username: "vera", displayName: "Vera", password: "password123" })).id;
  tgUser = rig.fake.control.createUser({ firstName: "Vera", languageCode: "en" }).id;
}, 30_000);

afterAll(() => rig.stop());

const dm = () => rig.fake.control.sent(tgUser).map((s) => s.text ?? "");
const linkedTo = async () =>
  (await rig.deps.db.select({ tg: users.telegramUserId }).from(users).where(eq(users.id, userId)))[0]!.tg;

describe("linking", () => {
  test("a deep link (t.me/<bot>?start=<token>) links the account once; the token is stored hashed", async () => {
    const { url, expiresAt } = await rig.telegram.codes.createLinkToken(userId);
    const token = new URL(url).searchParams.get("start")!;
    expect(url).toStartWith(`https://t.me/${rig.fake.botUsername}?start=`);
    expect(token).toMatch(/^[a-z2-7]{24}$/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    const stored = await rig.deps.db.select().from(telegramCodes).where(eq(telegramCodes.userId, userId));
    expect(JSON.stringify(stored)).not.toContain(token);

    rig.fake.control.start(tgUser, token);
    await waitFor(() => dm().find((t) => t.includes("now linked to Vera")));
    expect(await linkedTo()).toBe(tgUser);
    // A first link needs no question, and is audited with ids only.
    expect(rig.fake.control.sent(tgUser).some((s) => s.replyMarkup)).toBe(false);
    const [entry] = await rig.deps.db.select().from(auditLog).where(eq(auditLog.action, "user.telegramLinked"));
    expect(entry).toMatchObject({ userId, target: `user:${userId}`, details: { telegramUserId: tgUser } });
    expect(JSON.stringify(entry)).not.toContain(token);

    const other = rig.fake.control.createUser({ firstName: "Eve" }).id;
    rig.fake.control.start(other, token);
    await waitFor(() => rig.fake.control.sent(other).find((s) => s.text?.includes("invalid or has expired")));
    expect(await linkedTo()).toBe(tgUser);
  });

  test("/start without a token greets; an expired token is refused", async () => {
    const { url } = await rig.telegram.codes.createLinkToken(userId);
    await rig.deps.db
      .update(telegramCodes)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(telegramCodes.purpose, "link"));
    const late = rig.fake.control.createUser({ firstName: "Late", languageCode: "ru" }).id;
    rig.fake.control.start(late, new URL(url).searchParams.get("start")!);
    await waitFor(() => rig.fake.control.sent(late).find((s) => s.text?.includes("Ссылка недействительна")));
    rig.fake.control.start(late);
    await waitFor(() => rig.fake.control.sent(late).find((s) => s.text?.startsWith("Здравствуйте")));
  });
});

describe("linking asks first", () => {
  let anna: number;
  let boris: number;
  let annaTg: number;
  let borisTg: number;

  beforeAll(async () => {
    anna = (await rig.deps.users.create({ username: "anna", displayName: "Anna", password: "password123" })).id;
    boris = (await rig.deps.users.create({ username: "boris", displayName: "Борис", password: "password123" })).id;
    await rig.deps.users.setLocale(boris, "ru");
    annaTg = rig.fake.control.createUser({ firstName: "Anna", languageCode: "en" }).id;
    borisTg = rig.fake.control.createUser({ firstName: "Boris", languageCode: "ru" }).id;
    rig.fake.control.start(annaTg, linkToken((await rig.telegram.codes.createLinkToken(anna)).url));
    await waitFor(async () => (await link(anna)) === annaTg);
  });

  const linkToken = (url: string) => new URL(url).searchParams.get("start")!;
  const link = async (id: number) =>
    (await rig.deps.db.select({ tg: users.telegramUserId }).from(users).where(eq(users.id, id)))[0]!.tg;
  const texts = (tg: number) =>
    rig.fake.control
      .messages(tg)
      .filter((m) => m.from?.is_bot)
      .map((m) => m.text ?? "");
  /** Opens `user`'s fresh link from `tg` and waits for the bot's question (a message with buttons). */
  async function ask(user: number, tg: number) {
    const before = rig.fake.control.sent(tg).length;
    rig.fake.control.start(tg, linkToken((await rig.telegram.codes.createLinkToken(user)).url));
    return waitFor(() =>
      rig.fake.control
        .sent(tg)
        .slice(before)
        .find((s) => s.replyMarkup),
    );
  }
  const messageText = (tg: number, id: number) => rig.fake.control.messages(tg).find((m) => m.message_id === id)!;
  const moves = () => rig.deps.db.select().from(auditLog).where(eq(auditLog.action, "user.telegramMoved"));

  test("a stranger's link does not move this Telegram's link; No leaves both as they were", async () => {
    const question = await ask(boris, annaTg);
    expect(question.text).toBe(
      "This Telegram account is linked to Anna in GreenInbox. Link it to Борис instead? Anna will no longer get sign-in codes or notices here.",
    );
    expect(question.replyMarkup!.inline_keyboard.flat().map((b) => b.text)).toEqual(["Yes, link", "No"]);
    // The buttons carry no link token: only an id that works for this Telegram user.
    const data = question.replyMarkup!.inline_keyboard.flat().map((b) => ("callback_data" in b ? b.callback_data : ""));
    expect(data.every((d) => Buffer.byteLength(d) <= 64 && /^link:(yes|no):[a-z2-7]{24}:n$/.test(d))).toBe(true);
    expect([await link(anna), await link(boris)]).toEqual([annaTg, null]);

    const press = rig.fake.control.pressButton(annaTg, question.messageId, "No");
    await waitFor(() => messageText(annaTg, question.messageId).text === "Nothing was changed.");
    expect(messageText(annaTg, question.messageId).reply_markup).toBeUndefined();
    expect(rig.fake.control.callbackAnswers().some((a) => a.queryId === press)).toBe(true);
    expect([await link(anna), await link(boris)]).toEqual([annaTg, null]);
    // After No, the same question's Yes does nothing.
    rig.fake.control.sendCallback({ chatId: annaTg, messageId: question.messageId, userId: annaTg, data: data[0]! });
    await waitFor(() => messageText(annaTg, question.messageId).text?.startsWith("This question has expired"));
    expect([await link(anna), await link(boris)]).toEqual([annaTg, null]);
    expect(await moves()).toEqual([]);
  });

  test("only the Telegram user asked can say Yes; Yes moves the link, tells this account and is audited", async () => {
    const question = await ask(boris, annaTg);
    const yes = question.replyMarkup!.inline_keyboard.flat().find((b) => b.text === "Yes, link")!;
    // Another Telegram user sends the same Yes from their own chat with the bot: nothing happens.
    const eve = rig.fake.control.createUser({ firstName: "Eve" }).id;
    rig.fake.control.start(eve);
    const eveMessage = await waitFor(() => rig.fake.control.sent(eve).at(-1));
    rig.fake.control.sendCallback({
      chatId: eve,
      messageId: eveMessage.messageId,
      userId: eve,
      data: "callback_data" in yes ? yes.callback_data : "",
    });
    await waitFor(() => messageText(eve, eveMessage.messageId).text?.startsWith("This question has expired"));
    expect([await link(anna), await link(boris)]).toEqual([annaTg, null]);

    rig.fake.control.pressButton(annaTg, question.messageId, "Yes, link");
    // Told in Борис's language: the link is his now.
    await waitFor(
      () =>
        messageText(annaTg, question.messageId).text ===
        "Ваш Telegram теперь привязан к пользователю Борис в GreenInbox, а не к Anna.",
    );
    expect([await link(anna), await link(boris)]).toEqual([null, annaTg]);
    const [entry] = await moves();
    expect(entry).toMatchObject({
      userId: boris,
      actor: "boris",
      target: `user:${boris}`,
      details: { telegramUserId: annaTg, previousUserId: anna, previousTelegramUserId: null },
    });
  });

  test("moving a user's link to another Telegram asks there; Yes tells both Telegram accounts", async () => {
    const question = await ask(boris, borisTg);
    expect(question.text).toBe(
      "Пользователь Борис привязан к другому аккаунту Telegram. Перенести привязку сюда? Тот аккаунт больше не будет получать коды входа и уведомления для Борис.",
    );
    expect(await link(boris)).toBe(annaTg);
    rig.fake.control.pressButton(borisTg, question.messageId, "Да, привязать");
    await waitFor(
      () =>
        messageText(borisTg, question.messageId).text ===
        "Ваш Telegram теперь привязан к пользователю Борис в GreenInbox.",
    );
    await waitFor(() =>
      texts(annaTg).includes(
        "Ваш Telegram больше не привязан к пользователю Борис в GreenInbox: привязку перенесли на другой аккаунт Telegram. Если это были не вы, войдите, проверьте профиль и сообщите администратору.",
      ),
    );
    expect(await link(boris)).toBe(borisTg);
    expect((await moves()).at(-1)).toMatchObject({
      userId: boris,
      details: { telegramUserId: borisTg, previousUserId: null, previousTelegramUserId: annaTg },
    });
  });

  test("a link from the sign-in step never moves an existing link; an already linked pair is only told so", async () => {
    const before = rig.fake.control.sent(annaTg).length;
    rig.fake.control.start(annaTg, linkToken((await rig.telegram.codes.createLinkToken(boris, "enrol")).url));
    await waitFor(() =>
      rig.fake.control
        .sent(annaTg)
        .slice(before)
        .find((s) => s.text?.includes("ссылка со страницы входа не может его заменить")),
    );
    expect(await link(boris)).toBe(borisTg);
    rig.fake.control.start(borisTg, linkToken((await rig.telegram.codes.createLinkToken(boris)).url));
    await waitFor(() => texts(borisTg).includes("Этот Telegram уже привязан к пользователю Борис в GreenInbox."));
    const pending = await rig.deps.db
      .select()
      .from(telegramCodes)
      .where(and(eq(telegramCodes.purpose, "confirm"), sql`${telegramCodes.usedAt} is null`));
    expect(pending.every((p) => p.userId === boris)).toBe(true);
  });
});

describe("2FA codes", () => {
  async function freshCode(): Promise<string> {
    const before = dm().length;
    await rig.telegram.codes.sendLoginCode(userId);
    const text = await waitFor(() => dm().length > before && dm().at(-1));
    return /^(\d{6}) is your GreenInbox sign-in code/.exec(text)![1]!;
  }

  test("the code comes by DM, is not stored in clear, and works once", async () => {
    const code = await freshCode();
    const rows = await rig.deps.db.select().from(telegramCodes).where(eq(telegramCodes.purpose, "login"));
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(await rig.telegram.codes.verifyLoginCode(userId, code)).toEqual({ ok: true });
    expect(await rig.telegram.codes.verifyLoginCode(userId, code)).toEqual({ ok: false, reason: "expired" });
  });

  test("five wrong tries void the code: the right one no longer works", async () => {
    const code = await freshCode();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++)
      expect(await rig.telegram.codes.verifyLoginCode(userId, wrong)).toEqual({
        ok: false,
        reason: "wrong",
        triesLeft: 5 - i,
      });
    expect(await rig.telegram.codes.verifyLoginCode(userId, wrong)).toEqual({ ok: false, reason: "void" });
    expect((await rig.telegram.codes.verifyLoginCode(userId, code)).ok).toBe(false);
  });

  test("a new code replaces the old one; an expired code fails", async () => {
    const first = await freshCode();
    const second = await freshCode();
    if (first !== second) expect((await rig.telegram.codes.verifyLoginCode(userId, first)).ok).toBe(false);
    await rig.deps.db
      .update(telegramCodes)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(telegramCodes.purpose, "login"));
    expect(await rig.telegram.codes.verifyLoginCode(userId, second)).toEqual({ ok: false, reason: "expired" });
  });

  test("no linked account, or a blocked bot, is reported to the caller", async () => {
    const lone = (await rig.deps.users.create({ username: "lone", password: "password123" })).id;
    await expect(rig.telegram.codes.sendLoginCode(lone)).rejects.toBeInstanceOf(TelegramNotLinkedError);
    rig.fake.control.blockBot(tgUser);
    await expect(rig.telegram.codes.sendLoginCode(userId)).rejects.toBeInstanceOf(TelegramSendError);
  });
});
