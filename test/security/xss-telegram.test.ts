// Hostile names and texts in Telegram posts: sent as plain text with entities (no parse_mode), so nothing is
// interpreted as HTML or Markdown, and the text arrives exactly as written.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { instances } from "../../src/db/schema/index.ts";
import { resetDatabase } from "../support/db.ts";
import { insertChat, insertInstance } from "../support/fixtures.ts";
import { incoming, startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(1)><b>*bold*</b> _x_ [l](javascript:alert(1)) &amp;`;
let rig: TelegramRig;
let instanceId: number;
let chatId: number;
let channel: number;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig();
  instanceId = await insertInstance(rig.deps.db, `Inst ${HOSTILE}`);
  chatId = await insertChat(rig.deps.db, instanceId, "79001112233@c.us", `Chat ${HOSTILE}`);
  channel = rig.fake.control.createChat({ type: "channel", title: "Feed" });
  rig.fake.control.addBot(channel);
  await waitFor(async () => (await rig.telegram.chats.listPostable()).some((c) => c.id === channel));
  await rig.deps.db.update(instances).set({ telegramChatId: channel }).where(eq(instances.id, instanceId));
}, 30_000);
afterAll(() => rig.stop());

describe("Telegram posts", () => {
  test("hostile sender, instance and text arrive verbatim, without a parse mode, with only the header in bold", async () => {
    await incoming(rig.deps, { instanceId, chatId, text: `Text ${HOSTILE}`, senderName: `Sender ${HOSTILE}` });
    const sent = await waitFor(() => rig.fake.control.sent(channel).find((s) => s.text?.includes("Text <script>")));
    // The sender's name is cut to 64 characters in the header, the rest verbatim.
    const head = sent.text!.split("\n")[0]!;
    expect(head).toMatch(/^Sender <script>alert\(1\)<\/script>"><img src=x onerror=alert\(1\)><.*… · \+79001112233$/);
    expect(sent.text).toBe(`${head}\n📱 Inst ${HOSTILE}\n\nText ${HOSTILE}`);
    expect(sent.parseMode).toBeUndefined();
    expect(sent.entities).toEqual([{ type: "bold", offset: 0, length: head.length }]);
  });

  test("a hostile file name of a failed download is posted as plain text too", async () => {
    await incoming(rig.deps, {
      instanceId,
      chatId,
      senderName: "S",
      type: "documentMessage",
      media: { kind: "document", state: "failed", error: "gone", fileName: `${HOSTILE}.pdf` },
    });
    const sent = await waitFor(() =>
      rig.fake.control
        .sent(channel)
        .find((s) => s.text?.includes("S · +79001112233") && s !== undefined && !s.text.includes("Text <script>")),
    );
    expect(sent.parseMode).toBeUndefined();
    for (const s of rig.fake.control.sent()) expect(s.parseMode, s.method).toBeUndefined();
  });
});
