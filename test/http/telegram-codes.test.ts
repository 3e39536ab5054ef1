// Linking a Telegram account by deep link and 2FA sign-in codes by DM, against the fake Bot API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { telegramCodes, users } from "../../src/db/schema/index.ts";
import { TelegramNotLinkedError, TelegramSendError } from "../../src/telegram/index.ts";
import { resetDatabase } from "../support/db.ts";
import { eventually, startTelegramRig, type TelegramRig } from "../support/telegram.ts";

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
const linkedTo = async () => (await rig.deps.db.select({ tg: users.telegramUserId }).from(users).where(eq(users.id, userId)))[0]!.tg;

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
    await eventually(() => dm().find((t) => t.includes("now linked to Vera")));
    expect(await linkedTo()).toBe(tgUser);

    const other = rig.fake.control.createUser({ firstName: "Eve" }).id;
    rig.fake.control.start(other, token);
    await eventually(() => rig.fake.control.sent(other).find((s) => s.text?.includes("invalid or has expired")));
    expect(await linkedTo()).toBe(tgUser);
  });

  test("/start without a token greets; an expired token is refused", async () => {
    const { url } = await rig.telegram.codes.createLinkToken(userId);
    await rig.deps.db.update(telegramCodes).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(telegramCodes.purpose, "link"));
    const late = rig.fake.control.createUser({ firstName: "Late", languageCode: "ru" }).id;
    rig.fake.control.start(late, new URL(url).searchParams.get("start")!);
    await eventually(() => rig.fake.control.sent(late).find((s) => s.text?.includes("Ссылка недействительна")));
    rig.fake.control.start(late);
    await eventually(() => rig.fake.control.sent(late).find((s) => s.text?.startsWith("Здравствуйте")));
  });
});

describe("2FA codes", () => {
  async function freshCode(): Promise<string> {
    const before = dm().length;
    await rig.telegram.codes.sendLoginCode(userId);
    const text = await eventually(() => dm().length > before && dm().at(-1));
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
    for (let i = 1; i <= 4; i++) expect(await rig.telegram.codes.verifyLoginCode(userId, wrong)).toEqual({ ok: false, reason: "wrong", triesLeft: 5 - i });
    expect(await rig.telegram.codes.verifyLoginCode(userId, wrong)).toEqual({ ok: false, reason: "void" });
    expect((await rig.telegram.codes.verifyLoginCode(userId, code)).ok).toBe(false);
  });

  test("a new code replaces the old one; an expired code fails", async () => {
    const first = await freshCode();
    const second = await freshCode();
    if (first !== second) expect((await rig.telegram.codes.verifyLoginCode(userId, first)).ok).toBe(false);
    await rig.deps.db.update(telegramCodes).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(telegramCodes.purpose, "login"));
    expect(await rig.telegram.codes.verifyLoginCode(userId, second)).toEqual({ ok: false, reason: "expired" });
  });

  test("no linked account, or a blocked bot, is reported to the caller", async () => {
    const lone = (await rig.deps.users.create({ username: "lone", password: "password123" })).id;
    await expect(rig.telegram.codes.sendLoginCode(lone)).rejects.toBeInstanceOf(TelegramNotLinkedError);
    rig.fake.control.blockBot(tgUser);
    await expect(rig.telegram.codes.sendLoginCode(userId)).rejects.toBeInstanceOf(TelegramSendError);
  });
});
