// Poison bodies and the quarantine, through the real intake over HTTP against the fake Green-API: hostile bodies (NUL
// bytes, lone surrogates, millisecond and absurd timestamps, unknown types, missing fields) are answered (never 5xx) or
// acknowledged, then stored repaired or quarantined, and an ordinary message after them is stored; a quarantined
// notification shows on the number's page and in /metrics and is stored by a replay once its cause is fixed; a
// processing failure is retried a bounded number of times, then quarantined.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNotNull, like } from "drizzle-orm";
import { chats, messages, notifications } from "../../src/db/schema/index.ts";
import { MAX_ATTEMPTS } from "../../src/greenapi/quarantine.ts";
import { parseNotification } from "../../src/greenapi/notifications.ts";
import { replayQuarantined } from "../../src/greenapi/replay.ts";
import type { FakeGreenApi } from "../fakes/green-api/index.ts";
import { waitFor } from "../support/wait.ts";
import { Agent, type TestApp } from "../support/app.ts";
import { MODES, startBothModes, type BothModes } from "../support/both-modes.ts";
import { grant, insertInstance, WEBHOOK_TOKEN } from "../support/fixtures.ts";
import { parsePrometheusText } from "../support/prometheus.ts";

const METRICS_TOKEN = "quarantine-metrics-token";
const WAIT = 15_000;
let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;
let numbers: BothModes["numbers"];
let rig: BothModes;

beforeAll(async () => {
  rig = await startBothModes({ webhook: 7103777001, polling: 7103777002 }, { METRICS_TOKEN });
  ({ fake, app, numbers } = rig);
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);

afterAll(() => rig.stop());

async function stored(instanceId: number, idMessage: string) {
  const [row] = await app.deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.instanceId, instanceId), eq(messages.idMessage, idMessage)));
  return row;
}

async function journaled(instanceId: number, idMessage: string) {
  const [row] = await app.deps.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.instanceId, instanceId), like(notifications.dedupeKey, `%${idMessage}%`)));
  return row;
}

async function scrape(): Promise<ReturnType<typeof parsePrometheusText>> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return parsePrometheusText(await res.text());
}

async function quarantinedGauge(instanceId: number): Promise<number> {
  return (
    (await scrape())
      .get("greeninbox_notifications_quarantined")
      ?.samples.find((s) => s.labels.instance_id === String(instanceId))?.value ?? 0
  );
}

async function quarantinedTotal(reason: "invalid" | "failed"): Promise<number> {
  return (
    (await scrape()).get("greeninbox_notifications_quarantined_total")?.samples.find((s) => s.labels.reason === reason)
      ?.value ?? 0
  );
}

/** A receipt time is "sane" when it lies between the test's start and now (give or take a second for rounding). */
function sane(at: Date, since: number): boolean {
  return at.getTime() >= since - 1000 && at.getTime() <= Date.now() + 1000;
}

for (const mode of MODES) {
  test(`${mode}: hostile bodies are ${mode === "webhook" ? "answered 200" : "acknowledged"}, stored repaired or quarantined; an ordinary message after them is stored`, async () => {
    const n = numbers[mode];
    const since = Date.now();
    const logBefore = mode === "webhook" ? fake.control.webhookLog(n.idInstance).length : 0;
    const chat = (tail: number) => `7900${mode === "webhook" ? 3 : 4}00000${tail}@c.us`;
    let sent = 0;
    const inject = (tail: number, text: string, extra: { senderName?: string; timestamp?: number } = {}) => {
      sent++;
      return fake.control.injectIncoming(n.idInstance, {
        type: "textMessage",
        chatId: chat(tail),
        senderName: "Vera",
        text,
        ...extra,
      });
    };
    const injectRaw = (body: Record<string, unknown>) => {
      sent++;
      fake.control.injectRaw(n.idInstance, body);
    };

    const nulText = inject(1, "he\u0000llo", { senderName: "An\u0000na" });
    const milliseconds = inject(2, "sent in ms", { timestamp: Date.now() });
    const negative = inject(3, "from before time", { timestamp: -1 });
    const future = inject(4, "from next month", { timestamp: Math.floor(Date.now() / 1000) + 30 * 86400 });
    const surrogate = inject(5, "half an emoji \uD83D!", { senderName: "\uDE00Bob" });
    const { instanceData } = nulText.body;
    injectRaw({ ...negative.body, idMessage: `WORDS${mode}`, timestamp: "yesterday" });
    injectRaw({
      typeWebhook: "somethingNewer",
      instanceData,
      timestamp: Math.floor(Date.now() / 1000),
      idMessage: `NEW${mode}`,
      payload: { x: 1 },
    });
    const { senderData: _missing, ...noSender } = future.body;
    injectRaw({ ...noSender, idMessage: `NOSENDER${mode}` });
    const ordinary = inject(8, "an ordinary message after them");

    const last = await waitFor(() => stored(n.instanceId, ordinary.idMessage), WAIT);
    expect(last.text).toBe("an ordinary message after them");

    // Every one answered or acknowledged: nothing left at Green-API to be delivered again.
    if (mode === "webhook") {
      const delivered = await waitFor(() => {
        const log = fake.control.webhookLog(n.idInstance).slice(logBefore);
        return log.length >= sent ? log : null;
      }, WAIT);
      expect(delivered.map((d) => d.status).filter((s) => s !== 200)).toEqual([]);
    } else {
      await waitFor(() => fake.control.inspect(n.idInstance).pendingNotifications === 0, WAIT);
    }

    const hello = (await stored(n.instanceId, nulText.idMessage))!;
    expect(hello.text).toBe("hello");
    expect(hello.senderName).toBe("Anna");
    const [helloChat] = await app.deps.db.select().from(chats).where(eq(chats.id, hello.chatId));
    expect(helloChat!.name).toBe("Anna");
    // The raw body as received is kept, its NUL escaped.
    const helloRow = (await journaled(n.instanceId, nulText.idMessage))!;
    expect(JSON.parse(helloRow.original!)).toEqual(nulText.body);
    expect(helloRow.original).toContain("\\u0000");

    const inMs = (await stored(n.instanceId, milliseconds.idMessage))!;
    expect(inMs.sentAt.getTime()).toBe(Math.floor(Number(milliseconds.body.timestamp) / 1000) * 1000);
    for (const absurd of [negative, future])
      expect(sane((await stored(n.instanceId, absurd.idMessage))!.sentAt, since)).toBe(true);
    expect(sane((await stored(n.instanceId, `WORDS${mode}`))!.sentAt, since)).toBe(true);
    expect(JSON.parse((await journaled(n.instanceId, `WORDS${mode}`))!.original!).timestamp).toBe("yesterday");

    const half = (await stored(n.instanceId, surrogate.idMessage))!;
    expect(half.text).toBe("half an emoji !");
    expect(half.senderName).toBe("Bob");

    const [newer] = await app.deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.instanceId, n.instanceId), eq(notifications.typeWebhook, "somethingNewer")));
    expect(newer).toMatchObject({ quarantinedAt: null, error: null });
    expect(newer!.processedAt).not.toBeNull();

    const [lost] = await app.deps.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.instanceId, n.instanceId),
          isNotNull(notifications.quarantinedAt),
          eq(notifications.typeWebhook, "incomingMessageReceived"),
        ),
      );
    expect(lost!.error).toContain("senderData");
    expect((lost!.body as { idMessage: string }).idMessage).toBe(`NOSENDER${mode}`);
    expect(lost!.processedAt).toBeNull();

    if (mode === "webhook") {
      const page = await (await admin.get(`/instances/${n.instanceId}/chats/${hello.chatId}`)).text();
      expect(page).toContain("hello");
      expect(page).not.toContain("\u0000");
    }
  }, 30_000);
}

describe("the quarantine on the number's page, in /metrics, and replay", () => {
  const incoming = (idInstance: number, idMessage: string, text: string) => ({
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: 1764000000,
    idMessage,
    senderData: { chatId: "79005550001@c.us", chatName: "Rita", sender: "79005550001@c.us", senderName: "Rita" },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  });
  let instanceId: number;
  let idInstance: number;
  const post = (body: unknown) =>
    fetch(`${app.url}/webhooks/green-api/${instanceId}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    instanceId = await insertInstance(app.deps.db, "Quarantine");
    idInstance = (await app.deps.instances.getRow(instanceId))!.idInstance;
  });

  test("a body the schema refuses is listed (never its text) and counted; replayed with the schema relaxed, it is stored", async () => {
    expect(await (await admin.get(`/instances/${instanceId}`)).text()).toContain(
      "Every notification from Green-API was read.",
    );
    const invalidBefore = await quarantinedTotal("invalid");
    // No chatId in senderData: today's schema refuses it; a later version might take the sender's.
    const body = incoming(idInstance, "RELAX1", "secret customer text");
    const { chatId: _gone, ...senderData } = body.senderData;
    const res = await post({ ...body, senderData });
    expect(await res.json()).toEqual({ ok: true, duplicate: false, quarantined: true });

    const page = await (await admin.get(`/instances/${instanceId}`)).text();
    const [row] = await app.deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.instanceId, instanceId), isNotNull(notifications.quarantinedAt)));
    expect(page).toContain("1 notification could not be read");
    expect(page).toContain(`data-notification="${row!.id}"`);
    expect(page).toContain("senderData.chatId");
    expect(page).toContain("Process again");
    expect(page).not.toContain("secret customer text");
    expect(await quarantinedGauge(instanceId)).toBe(1);
    expect(await quarantinedTotal("invalid")).toBe(invalidBefore + 1);

    // The current schema still refuses it: it stays, with the reason found again.
    expect(await replayQuarantined(app.deps, { instanceId })).toEqual({ replayed: 1, stored: 0, quarantined: 1 });
    const relaxed = (b: unknown) => {
      const s = (b as { senderData?: { chatId?: string; sender?: string } }).senderData;
      return parseNotification(s && !s.chatId ? { ...(b as object), senderData: { ...s, chatId: s.sender } } : b);
    };
    expect(await replayQuarantined(app.deps, { instanceId, parse: relaxed })).toEqual({
      replayed: 1,
      stored: 1,
      quarantined: 0,
    });
    const message = (await stored(instanceId, "RELAX1"))!;
    expect(message.text).toBe("secret customer text");
    const [after] = await app.deps.db.select().from(notifications).where(eq(notifications.id, row!.id));
    expect(after).toMatchObject({ quarantinedAt: null, error: null, attempts: 0 });
    expect(after!.processedAt).not.toBeNull();
    expect(await quarantinedGauge(instanceId)).toBe(0);
    expect(await (await admin.get(`/instances/${instanceId}`)).text()).toContain(
      "Every notification from Green-API was read.",
    );
  });

  test(`a processing failure is retried with backoff ${MAX_ATTEMPTS} times in all, then quarantined; "Process again" stores it once fixed`, async () => {
    let broken = true;
    const handled: string[] = [];
    app.deps.intake.on("incomingMessageReceived", async (_, event) => {
      if (!("idMessage" in event) || !event.idMessage.startsWith("FAIL-")) return;
      if (broken) throw new Error("the handler is broken today");
      handled.push(event.idMessage);
    });
    const failedBefore = await quarantinedTotal("failed");
    expect((await post(incoming(idInstance, "FAIL-1", "try me"))).status).toBe(200);
    const row = async () => (await journaled(instanceId, "FAIL-1"))!;
    await waitFor(async () => (await row()).attempts === 1, WAIT);
    // Backing off: a sweep right away does not try it again.
    await app.deps.intake.pull();
    await app.deps.intake.idle();
    expect((await row()).attempts).toBe(1);
    // Each start-up drain tries every unprocessed row at once (no backoff): the last attempt quarantines it.
    for (let i = 2; i <= MAX_ATTEMPTS; i++) {
      await app.deps.intake.drain();
      expect((await row()).attempts).toBe(i);
    }
    expect((await row()).quarantinedAt).not.toBeNull();
    expect((await row()).error).toBe("the handler is broken today");
    await app.deps.intake.drain();
    expect((await row()).attempts).toBe(MAX_ATTEMPTS);
    expect(await quarantinedTotal("failed")).toBe(failedBefore + 1);
    expect(await quarantinedGauge(instanceId)).toBe(1);
    expect(await (await admin.get(`/instances/${instanceId}`)).text()).toContain("the handler is broken today");

    // Someone with access to the number but no right to manage it sees no panel and may not replay.
    const user = await app.deps.users.create({ username: "viewer", password: "password-1" });
    await grant(app.deps.db, user.id, instanceId);
    const viewer = new Agent(app.url);
    expect((await viewer.login("viewer", "password-1")).status).toBe(303);
    expect(await (await viewer.get(`/instances/${instanceId}`)).text()).not.toContain("could not be read");
    expect((await viewer.post(`/instances/${instanceId}/quarantine/replay`)).status).toBe(403);
    expect((await row()).quarantinedAt).not.toBeNull();

    // Still broken: "Process again" keeps it, with the reason.
    const htmx = await admin.post(
      `/instances/${instanceId}/quarantine/replay`,
      {},
      { headers: { "hx-request": "true" } },
    );
    expect(await htmx.text()).toContain("Processed again: 0 stored, 1 still could not be read.");
    broken = false;
    const res = await admin.post(`/instances/${instanceId}/quarantine/replay`);
    expect(res.status).toBe(303);
    const page = await (await admin.get(res.headers.get("location")!)).text();
    expect(page).toContain("Processed again: 1 stored, 0 still could not be read.");
    expect(page).toContain("Every notification from Green-API was read.");
    expect(handled).toEqual(["FAIL-1"]);
    expect((await row()).processedAt).not.toBeNull();
    // Processed again as a whole: the message its first attempts stored is there once.
    expect(
      await app.deps.db.$count(messages, and(eq(messages.instanceId, instanceId), eq(messages.idMessage, "FAIL-1"))),
    ).toBe(1);
    expect(await quarantinedGauge(instanceId)).toBe(0);
  });
});
