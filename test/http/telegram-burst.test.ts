// A burst of 500 incoming WhatsApp messages into 41 linked channels: all posted, in order per channel, with no 429 from the fake.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { instances } from "../../src/db/schema/index.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { incoming, startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { eq } from "drizzle-orm";

let rig: TelegramRig;
const links: Array<{ instanceId: number; chatId: number; channel: number; count: number }> = [];

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig();
  // 40 channels with 12 messages each (the overall limit binds) and one with 20 (the per-channel minute binds).
  for (let i = 0; i < 41; i++) {
    const instanceId = await insertInstance(rig.deps.db, `Number ${i}`);
    const channel = rig.fake.control.createChat({ type: "channel", title: `Feed ${i}` });
    rig.fake.control.addBot(channel);
    await rig.deps.db.update(instances).set({ telegramChatId: channel }).where(eq(instances.id, instanceId));
    links.push({
      instanceId,
      chatId: await insertChat(rig.deps.db, instanceId, `7900555${String(i).padStart(4, "0")}@c.us`, `Customer ${i}`),
      channel,
      count: i === 40 ? 20 : 12,
    });
  }
}, 60_000);

afterAll(() => rig.stop());

test("500 notifications: none lost, order kept per channel, zero rate-limit violations", async () => {
  const round = Math.max(...links.map((l) => l.count));
  for (let n = 0; n < round; n++) {
    for (const l of links)
      if (n < l.count)
        await incoming(rig.deps, {
          instanceId: l.instanceId,
          chatId: l.chatId,
          text: `message ${n}`,
          senderName: "Customer",
        });
  }
  await rig.telegram.notifier.settled();
  expect(await rig.telegram.poster.idle(50_000)).toBe(true);
  for (const l of links) {
    const texts = rig.fake.control.sent(l.channel).map((s) => s.text!.split("\n\n")[1]);
    expect(texts).toEqual(Array.from({ length: l.count }, (_, n) => `message ${n}`));
  }
  expect(rig.fake.control.sent().filter((s) => s.method === "sendMessage")).toHaveLength(500);
  expect(rig.fake.control.violations()).toBe(0);
}, 90_000);
