// Fake webhook delivery: POST order, Bearer webhookUrlToken, retries, and the switch from polling after setSettings.
import { afterAll, describe, expect, test } from "bun:test";
import { parseNotification, type NotificationEvent } from "../../../src/greenapi/index.ts";
import { ALL_WEBHOOKS, newInstance, startFastFake } from "./testkit.ts";
import { waitFor } from "../../support/wait.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

/** A local webhook receiver; `failFirst` answers 500 that many times. */
function receiver(failFirst = 0) {
  const hits: Array<{ auth: string | null; body: unknown; status: number }> = [];
  let failures = failFirst;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const body = await req.json();
      const status = failures-- > 0 ? 500 : 200;
      hits.push({ auth: req.headers.get("authorization"), body, status });
      return new Response(null, { status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/webhook`, hits, stop: () => server.stop(true) };
}

function events(bodies: unknown[]): NotificationEvent[] {
  return bodies.map((b) => {
    const r = parseNotification(b);
    if (!r.ok) throw new Error(r.reason);
    return r.event;
  });
}

describe("webhook delivery", () => {
  test("send → outgoingAPIMessageReceived, then sent → delivered → read, with Bearer webhookUrlToken", async () => {
    const hook = receiver();
    const { client, idInstance } = newInstance(fake, {
      settings: { ...ALL_WEBHOOKS, webhookUrl: hook.url, webhookUrlToken: "hook-secret" },
    });
    const { idMessage } = await client.sendMessage({ chatId: CHAT, message: "hello" });
    await waitFor(() => fake.control.webhookLog(idInstance).length === 4, 2000);
    const list = events(hook.hits.map((h) => h.body));
    expect(list.map((e) => (e.typeWebhook === "outgoingMessageStatus" ? e.status : e.typeWebhook))).toEqual([
      "outgoingAPIMessageReceived",
      "sent",
      "delivered",
      "read",
    ]);
    for (const e of list) expect("idMessage" in e && e.idMessage).toBe(idMessage);
    expect(hook.hits.every((h) => h.auth === "Bearer hook-secret")).toBe(true);
    expect(fake.control.webhookLog(idInstance).every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
    hook.stop();
  });

  test("no Authorization header without a token; failed POSTs are retried in order", async () => {
    const hook = receiver(2);
    const { idInstance } = newInstance(fake, { settings: { ...ALL_WEBHOOKS, webhookUrl: hook.url } });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "first" });
    fake.control.injectIncoming(idInstance, { type: "textMessage", chatId: CHAT, text: "second" });
    await waitFor(() => fake.control.webhookLog(idInstance).filter((d) => d.status === 200).length === 2, 2000);
    const texts = hook.hits.map(
      (h) =>
        (h.body as { messageData: { textMessageData: { textMessage: string } } }).messageData.textMessageData
          .textMessage,
    );
    expect(texts).toEqual(["first", "first", "first", "second"]);
    expect(hook.hits.every((h) => h.auth === null)).toBe(true);
    expect(fake.control.webhookLog(idInstance).map((d) => d.status)).toEqual([500, 500, 200, 200]);
    hook.stop();
  });

  test("setSettings switches to webhook mode only after the reboot; state changes are notified", async () => {
    const hook = receiver();
    const { client } = newInstance(fake, { settings: { stateWebhook: "yes" } });
    await client.setSettings({ webhookUrl: hook.url });
    // starting was announced while still in polling mode
    const queued = await client.receiveNotification();
    expect(
      queued?.parsed.ok &&
        queued.parsed.event.typeWebhook === "stateInstanceChanged" &&
        queued.parsed.event.stateInstance,
    ).toBe("starting");
    await waitFor(() => hook.hits.length === 1, 2000);
    const [back] = events(hook.hits.map((h) => h.body));
    expect(back?.typeWebhook === "stateInstanceChanged" && back.stateInstance).toBe("authorized");
    hook.stop();
  });
});
