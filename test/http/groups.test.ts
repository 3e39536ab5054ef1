// Group chats end to end (fake Green-API by polling, fake Telegram): the subject from getGroupData when no notification
// named the group (once a day at most, after the commit, in its 1 RPS bucket), each member's name or number above their
// bubbles, and Telegram posts naming the group and the member.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { chats, instances, messages } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { AppEvent } from "../../src/events/bus.ts";
import { startFastFake } from "../fakes/green-api/testkit.ts";
import { waitFor } from "../support/wait.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant } from "../support/fixtures.ts";
import { TIME_SCALE } from "../support/telegram.ts";

const ID = 7103888001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef99";
const NICK = "79005550000@c.us";
const QUIET = "79005550001@c.us";
let ga: FakeGreenApi;
let tg: FakeTelegram;
let app: TestApp;
let instanceId: number;
let channel: number;
let anna: Agent;
const events: AppEvent[] = [];

beforeAll(async () => {
  await resetDatabase();
  ga = startFastFake();
  ga.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { incomingWebhook: "yes", outgoingMessageWebhook: "yes" },
  });
  tg = startFakeTelegram({ timeScale: TIME_SCALE });
  app = await startTestApp(
    { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url, POLL_TIMEOUT_SECONDS: "5" },
    undefined,
    { telegram: { timeScale: TIME_SCALE, retryBaseMs: 50, retryMaxMs: 400 } },
  );
  channel = tg.control.createChat({ type: "channel", title: "Sales feed" });
  tg.control.addBot(channel);
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
      telegramChatId: channel,
    })
    .returning();
  instanceId = row!.id;
  const user = await app.deps.users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  await grant(app.deps.db, user.id, instanceId);
  anna = new Agent(app.url);
  expect((await anna.login("anna", "password-1")).status).toBe(303);
  app.deps.bus.subscribe((e) => void events.push(e));
  app.deps.telegram!.start();
  app.deps.poller.start(row!);
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.telegram!.stop();
  await app.stop();
  await Promise.all([ga.stop(), tg.stop()]);
});

const groupCalls = () => ga.control.requests(ID).filter((r) => r.method === "getGroupData");
const chatOf = async (groupId: string) =>
  (
    await app.deps.db
      .select()
      .from(chats)
      .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, groupId)))
  )[0];
const stored = (idMessage: string) =>
  waitFor(async () => (await app.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage)))[0], 2000);

let probes = 0;
/** Lookups run one after another: once a fresh nameless group has its subject, every lookup asked before it is done. */
async function lookupsSettled(): Promise<void> {
  const subject = `Probe ${++probes}`;
  const { groupId } = ga.control.createGroup(ID, { subject });
  ga.control.injectIncoming(ID, {
    type: "textMessage",
    chatId: groupId,
    sender: NICK,
    senderName: "Nick",
    chatName: "",
    text: "probe",
  });
  await waitFor(async () => (await chatOf(groupId))?.name === subject, 5000);
}

describe("group subjects", () => {
  test("a group no notification names gets its subject from getGroupData once, after the commit; the list shows it live", async () => {
    const { groupId } = ga.control.createGroup(ID, { subject: "Buyers 🛒", participants: [NICK, QUIET] });
    const first = ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: NICK,
      senderName: "Nick",
      chatName: "",
      text: "Who has the price list?",
    });
    const second = ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: QUIET,
      senderName: "",
      chatName: "",
      text: "Me",
    });
    await stored(first.idMessage);
    await stored(second.idMessage);
    const chat = await waitFor(async () => {
      const row = await chatOf(groupId);
      return row?.name === "Buyers 🛒" ? row : null;
    }, 2000);
    expect(chat.subjectFetchedAt).not.toBeNull();
    // Announced through the usual event: open chat lists re-render the row.
    expect(
      events.some((e) => e.name === EVENTS.chatUpdated && e.data.chatId === chat.id && e.instanceId === instanceId),
    ).toBe(true);
    const list = await (await anna.get("/chats")).text();
    expect(list).toContain('<span class="chat-name">Buyers 🛒</span>');
    // Two messages, one question; more messages within the day ask nothing.
    ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: NICK,
      senderName: "Nick",
      chatName: "",
      text: "Thanks",
    });
    await waitFor(
      async () => (await app.deps.db.select().from(messages).where(eq(messages.chatId, chat.id))).length === 3,
      2000,
    );
    await lookupsSettled();
    expect(groupCalls().filter((r) => r.status === 200)).toHaveLength(2);
  });

  test("a group named by its notifications is not asked about", async () => {
    const { groupId } = ga.control.createGroup(ID, { subject: "Named" });
    const before = groupCalls().length;
    const m = ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: NICK,
      senderName: "Nick",
      chatName: "Named by webhook",
      text: "hi",
    });
    await stored(m.idMessage);
    expect((await chatOf(groupId))!.name).toBe("Named by webhook");
    // A later nameless message of the named group changes nothing either.
    const later = ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: NICK,
      senderName: "Nick",
      chatName: "",
      text: "again",
    });
    await stored(later.idMessage);
    await lookupsSettled();
    expect(groupCalls().length).toBe(before + 1);
  });

  test("a failed lookup is not repeated within the day; a day later it is asked again", async () => {
    const groupId = "120363000000000777@g.us"; // not a group the fake knows: getGroupData answers 400
    const ask = async (text: string) =>
      (
        await stored(
          ga.control.injectIncoming(ID, {
            type: "textMessage",
            chatId: groupId,
            sender: NICK,
            senderName: "Nick",
            chatName: "",
            text,
          }).idMessage,
        )
      ).chatId;
    const calls = () => groupCalls().filter((r) => r.status === 400).length;
    const chatId = await ask("one");
    await waitFor(() => calls() === 1, 2000);
    await waitFor(async () => (await chatOf(groupId))!.subjectFetchedAt !== null, 2000);
    await ask("two");
    await lookupsSettled();
    expect(calls()).toBe(1);
    expect((await chatOf(groupId))!.name).toBeNull();
    await app.deps.db
      .update(chats)
      .set({ subjectFetchedAt: sql`now() - interval '25 hours'` })
      .where(eq(chats.id, chatId));
    await ask("three");
    await waitFor(() => calls() === 2, 2000);
    // Paced by the instance's 1 RPS bucket for getGroupData: Green-API never had to refuse one.
    expect(ga.control.violations(ID)).toBe(0);
    // The list still labels it as a group, in the reader's language.
    expect(await (await anna.get("/chats")).text()).toMatch(/<span class="chat-name">Group<\/span>/);
  });
});

describe("group members", () => {
  test("each incoming bubble names its member: their name, else their number; the member's id is stored", async () => {
    const { groupId } = ga.control.createGroup(ID, { subject: "Members", participants: [NICK, QUIET] });
    const named = await stored(
      ga.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: groupId,
        sender: NICK,
        senderName: "Nick",
        text: "from Nick",
      }).idMessage,
    );
    const unnamed = await stored(
      ga.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: groupId,
        sender: QUIET,
        senderName: "",
        text: "from a number",
      }).idMessage,
    );
    expect(named).toMatchObject({ senderId: NICK, senderName: "Nick", direction: "in" });
    expect(unnamed).toMatchObject({ senderId: QUIET, senderName: null });
    const page = await (await anna.get(`/instances/${instanceId}/chats/${named.chatId}`)).text();
    expect(page).toMatch(
      new RegExp(`<li id="m-${named.id}" class="msg msg-in"><div class="bubble"><p class="msg-sender">Nick</p>`),
    );
    expect(page).toMatch(
      new RegExp(
        `<li id="m-${unnamed.id}" class="msg msg-in"><div class="bubble"><p class="msg-sender">\\+79005550001</p>`,
      ),
    );
    expect(page).toContain('<h2 id="chat-title">Members</h2>');
  });

  test("a personal chat's incoming bubbles carry no sender line", async () => {
    const m = await stored(
      ga.control.injectIncoming(ID, {
        type: "textMessage",
        chatId: "79001112233@c.us",
        senderName: "Carol",
        text: "just me",
      }).idMessage,
    );
    expect(m.senderId).toBe("79001112233@c.us");
    const page = await (await anna.get(`/instances/${instanceId}/chats/${m.chatId}`)).text();
    expect(page).toMatch(new RegExp(`<li id="m-${m.id}" class="msg msg-in"><div class="bubble"><p class="msg-text"`));
  });

  test("Telegram posts of group messages name the member and the group", async () => {
    const { groupId } = ga.control.createGroup(ID, { subject: "Wholesale 📦" });
    ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: NICK,
      senderName: "Nick",
      text: "Order for 40 boxes",
    });
    ga.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: groupId,
      sender: QUIET,
      senderName: "",
      text: "Same for me",
    });
    const nick = await waitFor(
      () => tg.control.sent(channel).find((s) => s.text?.endsWith("Order for 40 boxes")),
      10_000,
    );
    expect(nick.text).toBe("Nick · +79005550000 in “Wholesale 📦”\n📱 Sales\n\nOrder for 40 boxes");
    const quiet = await waitFor(() => tg.control.sent(channel).find((s) => s.text?.endsWith("Same for me")), 10_000);
    expect(quiet.text).toBe("+79005550001 in “Wholesale 📦”\n📱 Sales\n\nSame for me");
  });
});
