// Team workflow against both fakes: `/q code` replies from Telegram, private notes kept off the customer-facing paths
// (the fake Green-API counts every send; the fake Telegram sees a note only when the instance posts notes), and the
// assignee's Telegram DM.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { instances, quickReplies, users } from "../../src/db/schema/index.ts";
import { teamOf } from "../../src/team/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat } from "../support/fixtures.ts";
import { incoming, startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103777101;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fd";
const CUSTOMER = "79001112299@c.us";
let ga: FakeGreenApi;
let rig: TelegramRig;
let instanceId: number;
let chatId: number;
let group: number;
let manager: { tg: number; userId: number };

beforeAll(async () => {
  await resetDatabase();
  ga = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 30, maxReceiveWaitMs: 200 } });
  ga.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
  });
  rig = await startTelegramRig();
  const [row] = await rig.deps.db
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
  chatId = await insertChat(rig.deps.db, instanceId, CUSTOMER, "Katya");
  const tg = rig.fake.control;
  manager = { tg: tg.createUser({ firstName: "Max" }).id, userId: 0 };
  group = tg.createChat({ type: "supergroup", title: "Sales desk" });
  tg.addMember(group, manager.tg);
  tg.addBot(group);
  const user = await rig.deps.users.create({ username: "max", displayName: "Max", password: "password123" });
  await rig.deps.db.update(users).set({ telegramUserId: manager.tg }).where(eq(users.id, user.id));
  await grant(rig.deps.db, user.id, instanceId);
  manager.userId = user.id;
  await rig.deps.db
    .insert(quickReplies)
    .values({ instanceId, code: "price", text: "Dear {name}, it is 500 €. — {manager}" });
  await rig.deps.db.update(instances).set({ telegramChatId: group }).where(eq(instances.id, instanceId));
  rig.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await rig.deps.outbox.stop();
  await rig.stop();
  await ga.stop();
});

const team = () => teamOf(rig.deps);

describe("team workflow with Telegram", () => {
  test("`/q price` as a reply sends the quick reply with {name} and {manager} filled in; an unknown code is explained", async () => {
    await incoming(rig.deps, { instanceId, chatId, text: "How much?", senderName: "Katya" });
    const post = await waitFor(() => rig.fake.control.sent(group).find((s) => s.text?.endsWith("How much?")));
    await rig.telegram.poster.idle();
    rig.fake.control.userMessage({ chatId: group, userId: manager.tg, text: "/q price", replyTo: post.messageId });
    const out = await waitFor(() => ga.control.sentMessages(ID).find((s) => s.chatId === CUSTOMER));
    expect(out.text).toBe("Dear Katya, it is 500 €. — Max");
    const unknown = rig.fake.control.userMessage({
      chatId: group,
      userId: manager.tg,
      text: "/q nothing",
      replyTo: post.messageId,
    });
    const answer = await waitFor(() => rig.fake.control.sent(group).find((s) => s.replyTo === unknown.message_id));
    expect(answer.text).toContain("No quick reply “nothing”");
    expect(ga.control.sentMessages(ID).filter((s) => String(s.text).includes("nothing"))).toEqual([]);
  });

  test("a private note reaches neither WhatsApp nor Telegram unless the instance posts notes", async () => {
    const sendsBefore = ga.control.sentMessages(ID).length;
    const postsBefore = rig.fake.control.sent(group).length;
    await team().notes.add(
      { id: chatId, instanceId },
      { id: manager.userId, displayName: "Max" },
      "note one: customer is a reseller",
      "note-key-1001",
    );
    await rig.telegram.poster.idle();
    expect(rig.fake.control.sent(group).length).toBe(postsBefore);
    await rig.deps.db.update(instances).set({ notesToTelegram: true }).where(eq(instances.id, instanceId));
    await team().notes.add(
      { id: chatId, instanceId },
      { id: manager.userId, displayName: "Max" },
      "note two: for the channel",
      "note-key-1002",
    );
    const posted = await waitFor(() =>
      rig.fake.control.sent(group).find((s) => s.text?.includes("note two: for the channel")),
    );
    expect(posted.text).toContain("Note by Max");
    expect(rig.fake.control.sent(group).some((s) => s.text?.includes("note one"))).toBe(false);
    // Sends go out in order: a later message reaching the fake proves the notes were never queued before it.
    await rig.deps.outbox.enqueue({
      instanceId,
      waChatId: CUSTOMER,
      text: "after the notes",
      idempotencyKey: "team-tg-after",
      via: "web",
    });
    await waitFor(() => ga.control.sentMessages(ID).some((s) => s.text === "after the notes"));
    expect(
      ga.control
        .sentMessages(ID)
        .slice(sendsBefore)
        .map((s) => s.text),
    ).toEqual(["after the notes"]);
  });

  test("assigning a chat sends the assignee a Telegram DM", async () => {
    rig.fake.control.start(manager.tg); // a linked user has started the bot (it may write to them)
    const [admin] = await rig.deps.db
      .insert(users)
      .values({ username: "boss", displayName: "Boss", isAdmin: true })
      .returning();
    expect(
      await team().state.assign(chatId, manager.userId, { id: admin!.id, displayName: "Boss" }, "call her"),
    ).toMatchObject({ kind: "assigned", to: manager.userId });
    const dm = await waitFor(() =>
      rig.fake.control.sent(manager.tg).find((s) => s.text?.includes("Boss assigned you")),
    );
    expect(dm.text).toContain("Note: call her");
  });
});
