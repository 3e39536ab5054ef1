// Every chat-id form Green-API sends, through the real intake over HTTP (webhook and polling) against the fake.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq, inArray, isNotNull, like } from "drizzle-orm";
import { chats, messages, notifications } from "../../src/db/schema/index.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { waitFor } from "../support/wait.ts";
import type { TestApp } from "../support/app.ts";
import { MODES, startBothModes, type BothModes } from "../support/both-modes.ts";
import { parsePrometheusText } from "../support/prometheus.ts";

const METRICS_TOKEN = "chat-ids-metrics-token";
const WAIT = 15_000;
let fake: FakeGreenApi;
let app: TestApp;
let numbers: BothModes["numbers"];
let rig: BothModes;

beforeAll(async () => {
  rig = await startBothModes({ webhook: 7103666001, polling: 7103666002 }, { METRICS_TOKEN });
  ({ fake, app, numbers } = rig);
}, 30_000);

afterAll(() => rig.stop());

async function statusOf(id: number) {
  const [row] = await app.deps.db
    .select({ status: messages.status, failReason: messages.failReason })
    .from(messages)
    .where(eq(messages.id, id));
  return row!;
}

async function ignoredCount(reason: string): Promise<number> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const family = parsePrometheusText(await res.text()).get("greeninbox_notifications_ignored_total");
  return family?.samples.find((s) => s.labels.reason === reason)?.value ?? 0;
}

/** Stored raw bodies of the instance's notifications whose journal key names this idMessage. */
async function journaled(instanceId: number, idMessage: string) {
  return app.deps.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.instanceId, instanceId), like(notifications.dedupeKey, `%${idMessage}%`)));
}

for (const mode of MODES) {
  describe(`chat ids by ${mode}`, () => {
    const n = () => numbers[mode];
    const phone = (tail: number) => `7900${mode === "webhook" ? 1 : 2}00000${tail}`;
    const send = (waChatId: string, text: string) =>
      app.deps.outbox.enqueue({
        instanceId: n().instanceId,
        waChatId,
        text,
        idempotencyKey: crypto.randomUUID(),
        via: "web",
      });

    test("a read status for NNN:3@c.us moves the message to read; the echo joins the send, the raw body is kept", async () => {
      const chat = `${phone(1)}@c.us`;
      fake.control.setWireForms(n().idInstance, { device: 3, domain: "c.us", statusWithoutChatId: false });
      const { id, chatId } = await send(chat, "to your laptop");
      await waitFor(async () => (await statusOf(id)).status === "read", WAIT);
      const inChat = await app.deps.db.select().from(messages).where(eq(messages.chatId, chatId));
      expect(inChat.map((m) => m.id)).toEqual([id]);
      const [message] = inChat;
      const bodies = (await journaled(n().instanceId, message!.idMessage!)).map(
        (r) => r.body as { chatId?: string; senderData?: { chatId: string } },
      );
      expect(bodies.map((b) => b.chatId ?? b.senderData?.chatId).sort()).toEqual(Array(4).fill(`${phone(1)}:3@c.us`));
      expect(
        await app.deps.db.$count(chats, and(eq(chats.instanceId, n().instanceId), like(chats.waChatId, "%:%"))),
      ).toBe(0);
    });

    test("statuses without chatId apply by idMessage, a failed one included", async () => {
      fake.control.setWireForms(n().idInstance, { device: null, statusWithoutChatId: true });
      const delivered = await send(`${phone(2)}@c.us`, "no chat id on my ticks");
      fake.control.setFailing(n().idInstance, `${phone(3)}@c.us`, "SWE003: the message could not be delivered");
      const lost = await send(`${phone(3)}@c.us`, "this one fails");
      await waitFor(async () => (await statusOf(delivered.id)).status === "read", WAIT);
      await waitFor(async () => (await statusOf(lost.id)).status === "failed", WAIT);
      expect(await statusOf(lost.id)).toEqual({
        status: "failed",
        // The failure's code with Green-API's own description (shown translated, the description as it is).
        failReason: "notDelivered:SWE003: the message could not be delivered",
      });
      fake.control.setWireForms(n().idInstance, { statusWithoutChatId: false });
    });

    test("an @s.whatsapp.net id (with a device) lands in the existing @c.us chat, and replies go to the stored id", async () => {
      const chat = `${phone(4)}@c.us`;
      fake.control.setWireForms(n().idInstance, { device: null, domain: "c.us" });
      const first = fake.control.injectIncoming(n().idInstance, {
        type: "textMessage",
        chatId: chat,
        text: "hello",
        senderName: "Vera",
      });
      const [stored] = await waitFor(async () => {
        const rows = await app.deps.db
          .select()
          .from(messages)
          .where(and(eq(messages.instanceId, n().instanceId), eq(messages.idMessage, first.idMessage)));
        return rows.length ? rows : null;
      }, WAIT);
      fake.control.setWireForms(n().idInstance, { device: 2, domain: "s.whatsapp.net" });
      const second = fake.control.injectIncoming(n().idInstance, {
        type: "textMessage",
        chatId: chat,
        text: "from my tablet",
        senderName: "Vera",
      });
      await waitFor(
        async () => (await app.deps.db.$count(messages, eq(messages.idMessage, second.idMessage))) === 1,
        WAIT,
      );
      const rows = await app.deps.db
        .select({ chatId: messages.chatId, idMessage: messages.idMessage })
        .from(messages)
        .where(inArray(messages.idMessage, [first.idMessage, second.idMessage]))
        .orderBy(asc(messages.id));
      expect(rows).toEqual([
        { chatId: stored!.chatId, idMessage: first.idMessage },
        { chatId: stored!.chatId, idMessage: second.idMessage },
      ]);
      const [row] = await app.deps.db.select().from(chats).where(eq(chats.id, stored!.chatId));
      expect(row!.waChatId).toBe(chat);
      const reply = await send(row!.waChatId, "got it");
      await waitFor(async () => (await statusOf(reply.id)).status === "read", WAIT);
      expect(fake.control.sentMessages(n().idInstance).at(-1)).toMatchObject({ chatId: chat, text: "got it" });
      fake.control.setWireForms(n().idInstance, { device: null, domain: "c.us" });
    });

    test("Status stories and channel posts are answered, make no chat, and are counted", async () => {
      const before = { story: await ignoredCount("status_broadcast"), channel: await ignoredCount("newsletter") };
      const logBefore = fake.control.webhookLog(n().idInstance).length;
      const story = fake.control.injectIncoming(n().idInstance, {
        type: "textMessage",
        chatId: "status@broadcast",
        sender: `${phone(5)}@c.us`,
        text: "my holiday",
      });
      const post = fake.control.injectIncoming(n().idInstance, {
        type: "textMessage",
        chatId: "120363025246125486@newsletter",
        text: "channel news",
      });
      const processed = async (idMessage: string) =>
        (await journaled(n().instanceId, idMessage)).some((r) => r.processedAt !== null);
      await waitFor(async () => (await processed(story.idMessage)) && (await processed(post.idMessage)), WAIT);
      if (mode === "webhook") {
        const answered = await waitFor(() => {
          const since = fake.control.webhookLog(n().idInstance).slice(logBefore);
          return since.length === 2 ? since : null;
        }, WAIT);
        expect(answered.map((d) => [d.typeWebhook, d.status])).toEqual([
          ["incomingMessageReceived", 200],
          ["incomingMessageReceived", 200],
        ]);
      } else {
        await waitFor(() => fake.control.inspect(n().idInstance).pendingNotifications === 0, WAIT);
      }
      const odd = await app.deps.db
        .select()
        .from(chats)
        .where(
          and(
            eq(chats.instanceId, n().instanceId),
            inArray(chats.waChatId, ["status@broadcast", "120363025246125486@newsletter"]),
          ),
        );
      expect(odd).toEqual([]);
      expect(await app.deps.db.$count(messages, inArray(messages.idMessage, [story.idMessage, post.idMessage]))).toBe(
        0,
      );
      expect(
        await app.deps.db.$count(
          notifications,
          and(eq(notifications.instanceId, n().instanceId), isNotNull(notifications.error)),
        ),
      ).toBe(0);
      expect(await ignoredCount("status_broadcast")).toBe(before.story + 1);
      expect(await ignoredCount("newsletter")).toBe(before.channel + 1);
    });
  });
}
