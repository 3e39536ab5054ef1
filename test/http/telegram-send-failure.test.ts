// A reply sent from Telegram that WhatsApp refuses: its failure is posted under the reply from the stored code, in words.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chats, messages, telegramPosts } from "../../src/db/schema/index.ts";
import { createPostStore } from "../../src/telegram/posts.ts";
import { resetDatabase } from "../support/db.ts";
import { insertInstance } from "../support/fixtures.ts";
import { startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

let rig: TelegramRig;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig();
});

afterAll(() => rig.stop());

test("a failed reply from Telegram gets the reason in words, not its stored code", async () => {
  const { db } = rig.deps;
  const instanceId = await insertInstance(db, "Sales");
  const [chat] = await db
    .insert(chats)
    .values({ instanceId, waChatId: "79001230200@c.us", name: "Carol", lastMessageAt: new Date() })
    .returning({ id: chats.id });
  const [reply] = await db
    .insert(messages)
    .values({
      instanceId,
      chatId: chat!.id,
      direction: "out",
      type: "textMessage",
      via: "telegram",
      text: "hello?",
      status: "failed",
      failReason: "noAccount",
    })
    .returning({ id: messages.id });
  const tgChatId = -100777;
  await createPostStore(db).recordReply(tgChatId, 42, reply!.id, instanceId);
  await rig.telegram.notifier.syncReaction(reply!.id);
  const texts = await waitFor(async () => {
    const rows = await db
      .select({ payload: telegramPosts.payload })
      .from(telegramPosts)
      .where(eq(telegramPosts.tgChatId, tgChatId));
    const found = rows.map((r) => (r.payload as { text?: string }).text).filter((t) => t !== undefined);
    return found.length > 0 && found;
  }, 10_000);
  expect(texts).toEqual(["Not sent to WhatsApp: this number has no WhatsApp account"]);
});
