// Reactions between Telegram and WhatsApp: a linked manager's reaction on the post of a customer's message goes to
// WhatsApp (sendReaction); the customer's WhatsApp reaction shows on that post (setMessageReaction).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { messages, reactions } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { startTelegramDesk, type TelegramDesk, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103777091;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210cd";
const WID = "79990002233@c.us";
const CUSTOMER = "79001112299@c.us";
let desk: TelegramDesk;
let ga: FakeGreenApi;
let rig: TelegramRig;
let group: number;
let manager: number;
let stranger: number;

beforeAll(async () => {
  desk = await startTelegramDesk({
    instance: { idInstance: ID, apiToken: TOKEN, wid: WID },
    settings: { incomingWebhook: "yes", outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
    members: [{ firstName: "Max", username: "max" }, { firstName: "Stranger" }],
  });
  ({ ga, rig, group } = desk);
  [manager, stranger] = desk.members as [number, number];
  rig.deps.poller.start(desk.instance);
}, 30_000);

afterAll(() => desk.stop());

/** A customer's WhatsApp message, ingested and posted to the group; its post and stored row. */
async function customerPost(text: string) {
  const idMessage = crypto.randomUUID().replaceAll("-", "").toUpperCase();
  ga.control.injectIncoming(ID, { type: "textMessage", chatId: CUSTOMER, text, idMessage, senderName: "Anna" });
  const post = await waitFor(() => rig.fake.control.sent(group).find((s) => s.text?.endsWith(text)), 10_000);
  const [row] = await rig.deps.db.select().from(messages).where(eq(messages.idMessage, idMessage));
  await rig.telegram.poster.idle();
  return { post, row: row!, idMessage };
}

const reactionsOf = (messageId: number, reactor: string) =>
  rig.deps.db
    .select({ emoji: reactions.emoji })
    .from(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.reactor, reactor)));

describe("Telegram reactions", () => {
  test("a linked manager's reaction on a customer's post reaches WhatsApp as sendReaction; taking it back too", async () => {
    const { post, row, idMessage } = await customerPost("Do you deliver?");
    rig.fake.control.userReaction({ chatId: group, userId: manager, messageId: post.messageId, emojis: ["❤"] });
    const sent = await waitFor(
      () => ga.control.messageChanges(ID).find((c) => c.method === "sendReaction" && c.idMessage === idMessage),
      10_000,
    );
    // Telegram's ❤ (no U+FE0F) is WhatsApp's ❤️.
    expect(sent).toMatchObject({ chatId: CUSTOMER, reaction: "❤️" });
    await waitFor(async () => (await reactionsOf(row.id, WID)).length === 1);
    expect(await reactionsOf(row.id, WID)).toEqual([{ emoji: "❤️" }]);
    rig.fake.control.userReaction({
      chatId: group,
      userId: manager,
      messageId: post.messageId,
      emojis: [],
      old: ["❤"],
    });
    await waitFor(() => ga.control.messageChanges(ID).at(-1)?.reaction === "", 10_000);
    await waitFor(async () => (await reactionsOf(row.id, WID)).length === 0);
  });

  test("a member not linked to GreenInbox reacts: nothing goes to WhatsApp", async () => {
    const { post, idMessage } = await customerPost("Any discounts?");
    rig.fake.control.userReaction({ chatId: group, userId: stranger, messageId: post.messageId, emojis: ["👍"] });
    // A linked reaction sent after it arrives; the stranger's never does.
    rig.fake.control.userReaction({ chatId: group, userId: manager, messageId: post.messageId, emojis: ["🙏"] });
    await waitFor(() => ga.control.messageChanges(ID).some((c) => c.idMessage === idMessage), 10_000);
    expect(ga.control.messageChanges(ID).filter((c) => c.idMessage === idMessage)).toEqual([
      { method: "sendReaction", chatId: CUSTOMER, idMessage, reaction: "🙏", applied: true },
    ]);
  });

  test("the customer's WhatsApp reaction shows on the post; one Telegram has not is skipped; taking it back clears", async () => {
    const { post, row, idMessage } = await customerPost("Thanks, got it");
    const on = () =>
      rig.fake.control
        .reactions(group)
        .filter((r) => r.messageId === post.messageId)
        .map((r) => r.emojis);
    ga.control.injectIncoming(ID, { type: "reactionMessage", chatId: CUSTOMER, stanzaId: idMessage, emoji: "👍" });
    await waitFor(() => on().length === 1, 10_000);
    expect(on()).toEqual([["👍"]]);
    // 🫠 is not among the bot's reactions: stored in the inbox, nothing set in Telegram.
    ga.control.injectIncoming(ID, { type: "reactionMessage", chatId: CUSTOMER, stanzaId: idMessage, emoji: "🫠" });
    await waitFor(async () => (await reactionsOf(row.id, CUSTOMER))[0]?.emoji === "🫠", 10_000);
    ga.control.injectIncoming(ID, { type: "reactionMessage", chatId: CUSTOMER, stanzaId: idMessage, emoji: "" });
    await waitFor(() => on().length === 2, 10_000);
    expect(on()).toEqual([["👍"], []]);
  });
});
