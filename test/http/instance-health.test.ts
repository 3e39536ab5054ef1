// State tracking against the fake Green-API: the state log, "offline since" on the card, the backfill of the offline
// window, the import after the first authorization, "applying settings", and the enabled flag.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq } from "drizzle-orm";
import { chats, historyImports, instanceStateLog, instances, messages } from "../../src/db/schema/index.ts";
import { checkInstanceStates, syncPollers } from "../../src/jobs/state-check.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef01";
const JOURNALS = { incomingWebhook: "yes", outgoingMessageWebhook: "yes" } as const;
let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ webhookDelivery: false, timings: { startingMs: 300 } });
  app = await startTestApp({ PUBLIC_URL: "https://inbox.example.com" });
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  await admin.login("admin", "password-1");
}, 30_000);

afterAll(async () => {
  await app.deps.outbox.stop();
  await app.deps.poller.stopAll();
  app.deps.qr.stopAll();
  await app.stop();
  await fake.stop();
});

/** An instance the app tracks in polling mode (no poller runs here: what the fake queues stays unread). */
async function tracked(idInstance: number, state: "authorized" | "notAuthorized", name = `N${idInstance}`) {
  fake.control.createInstance({ idInstance, apiTokenInstance: TOKEN, state, settings: JOURNALS });
  const row = await insertFakeInstance(app.deps.db, fake, {
    name,
    idInstance,
    apiToken: TOKEN,
    state,
    wid: state === "authorized" ? `7900${String(idInstance).slice(-7)}@c.us` : null,
  });
  return row!.id;
}

const logOf = async (id: number) =>
  (
    await app.deps.db
      .select({ state: instanceStateLog.state })
      .from(instanceStateLog)
      .where(eq(instanceStateLog.instanceId, id))
      .orderBy(asc(instanceStateLog.id))
  ).map((r) => r.state);
const rowOf = async (id: number) => (await app.deps.instances.getRow(id))!;

describe("offline and back", () => {
  const ID = 7103777001;
  let id: number;

  test("leaving authorized is logged, sets 'offline since' and the card says so", async () => {
    id = await tracked(ID, "authorized", "Sales");
    fake.control.setState(ID, "notAuthorized");
    expect(await checkInstanceStates(app.deps)).toBe(1);
    const row = await rowOf(id);
    expect(row.state).toBe("notAuthorized");
    expect(row.offlineSince).toBeInstanceOf(Date);
    // The state it had before the log existed comes first.
    expect(await logOf(id)).toEqual(["authorized", "notAuthorized"]);
    const card = await (await admin.get(`/instances/${id}/card`)).text();
    expect(card).toContain("Offline since");
    expect(card).toContain(`data-offline-since="${row.offlineSince!.toISOString()}"`);
    // The number's page lists the recorded changes (the header badge plus the log entries).
    const status = await (await admin.get(`/instances/${id}/status`)).text();
    expect(status).toContain("Recent states");
    expect(status.match(/badge-notAuthorized/g)).toHaveLength(2);
    expect(status.match(/badge-authorized/g)).toHaveLength(1);
    // A second pass with the same state changes nothing.
    expect(await checkInstanceStates(app.deps)).toBe(0);
    expect(await logOf(id)).toHaveLength(2);
  });

  test("messages of the offline window appear in the inbox once it is back, without an import", async () => {
    // The phone is back; customers write before the app notices (nobody polls here, so only the journal has them).
    fake.control.setState(ID, "authorized");
    const chatId = "79001112233@c.us";
    const a = fake.control.injectIncoming(ID, {
      type: "textMessage",
      chatId,
      text: "are you there?",
      senderName: "Olga",
    });
    const b = fake.control.injectIncoming(ID, { type: "textMessage", chatId, text: "hello??", senderName: "Olga" });
    expect(await checkInstanceStates(app.deps)).toBe(1);
    const row = await rowOf(id);
    expect(row.state).toBe("authorized");
    expect(row.offlineSince).toBeNull();
    expect(await logOf(id)).toEqual(["authorized", "notAuthorized", "authorized"]);
    const stored = await waitFor(async () => {
      const rows = await app.deps.db
        .select({ idMessage: messages.idMessage, text: messages.text })
        .from(messages)
        .innerJoin(chats, eq(chats.id, messages.chatId))
        .where(and(eq(chats.instanceId, id), eq(chats.waChatId, chatId)));
      return rows.length >= 2 ? rows : null;
    }, 10_000);
    expect(stored.map((m) => m.idMessage).sort()).toEqual([a.idMessage, b.idMessage].sort());
    expect(await (await admin.get(`/instances/${id}/card`)).text()).not.toContain("Offline since");
    // Not a first authorization: no full import was started.
    expect(await app.deps.db.select().from(historyImports).where(eq(historyImports.instanceId, id))).toHaveLength(0);
  });
});

describe("silent webhook intake", () => {
  test("no notifications while the journal has messages: 'offline since' the last one, then backfilled once they flow again", async () => {
    const ID = 7103777006;
    fake.control.createInstance({
      idInstance: ID,
      apiTokenInstance: TOKEN,
      state: "authorized",
      settings: { ...JOURNALS, webhookUrl: "http://127.0.0.1:1/hook" },
    });
    const quietSince = new Date(Date.now() - 15 * 60_000);
    const row = await insertFakeInstance(app.deps.db, fake, {
      name: "Webhook",
      idInstance: ID,
      apiToken: TOKEN,
      intakeMode: "webhook",
      wid: "79005550006@c.us",
      lastNotificationAt: quietSince,
    });
    const id = row!.id;
    // Quiet but nothing missed: no alarm (a number nobody writes to at night is fine).
    const later = () => Date.now() + 3 * 60_000;
    await checkInstanceStates(app.deps, later);
    expect((await rowOf(id)).offlineSince).toBeNull();
    // A customer writes; the webhook never reaches the app. Once the journal shows it (older than its ~2 min lag):
    const lost = fake.control.injectIncoming(ID, {
      type: "textMessage",
      chatId: "79002223344@c.us",
      text: "anyone?",
      senderName: "Petr",
    });
    await checkInstanceStates(app.deps, () => later() + 11 * 60_000);
    const silent = await rowOf(id);
    expect(silent.offlineSince?.getTime()).toBe(quietSince.getTime());
    expect(silent.state).toBe("authorized");
    const card = await (await admin.get(`/instances/${id}/card`)).text();
    expect(card).toContain("No notifications from Green-API since");
    // Notifications arrive again: the mark is cleared and the silent window backfilled (the lost message appears).
    await app.deps.intake.accept(
      id,
      ID,
      {
        typeWebhook: "stateInstanceChanged",
        instanceData: { idInstance: ID, wid: "79005550006@c.us", typeInstance: "whatsapp" },
        timestamp: Math.floor(Date.now() / 1000),
        stateInstance: "authorized",
      },
      "webhook",
    );
    await app.deps.intake.idle();
    await checkInstanceStates(app.deps);
    expect((await rowOf(id)).offlineSince).toBeNull();
    await waitFor(
      async () =>
        (
          await app.deps.db
            .select()
            .from(messages)
            .where(and(eq(messages.instanceId, id), eq(messages.idMessage, lost.idMessage)))
        ).length === 1,
      10_000,
    );
  });
});

describe("first authorization", () => {
  test("the first authorized state ever starts the history import; later ones do not", async () => {
    const ID = 7103777002;
    const id = await tracked(ID, "notAuthorized");
    fake.control.scanQr(ID);
    await checkInstanceStates(app.deps);
    expect((await rowOf(id)).state).toBe("authorized");
    const imports = await waitFor(async () => {
      const rows = await app.deps.db.select().from(historyImports).where(eq(historyImports.instanceId, id));
      return rows.length ? rows : null;
    }, 10_000);
    expect(imports).toHaveLength(1);
    fake.control.setState(ID, "notAuthorized");
    await checkInstanceStates(app.deps);
    fake.control.setState(ID, "authorized");
    await checkInstanceStates(app.deps);
    await Bun.sleep(100);
    expect(await app.deps.db.select().from(historyImports).where(eq(historyImports.instanceId, id))).toHaveLength(1);
  });
});

describe("applying settings", () => {
  test("saving shows 'applying settings' until the instance reports back after its restart", async () => {
    const ID = 7103777003;
    fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
    const res = await admin.post("/instances/new", {
      name: "Support",
      idInstance: String(ID),
      apiToken: TOKEN,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      intakeMode: "polling",
      telegramChatId: "",
      autoReplyText: "",
      autoReplyIntervalHours: "12",
      markReadPolicy: "onReply",
    });
    expect(res.status).toBe(303);
    const id = Number(res.headers.get("location")!.split("/").pop());
    await app.deps.poller.stop(id);
    const row = await rowOf(id);
    expect(row.settingsPendingSince).toBeInstanceOf(Date);
    expect(row.state).toBe("starting");
    expect(await (await admin.get(`/instances/${id}/card`)).text()).toContain("Applying settings");
    // The fake restarts for 300 ms, then is authorized again: the next check ends "applying settings".
    await waitFor(async () => fake.control.inspect(ID).state === "authorized", 10_000);
    await checkInstanceStates(app.deps);
    const after = await rowOf(id);
    expect(after.state).toBe("authorized");
    expect(after.settingsPendingSince).toBeNull();
    expect(after.offlineSince).toBeNull();
    expect(await (await admin.get(`/instances/${id}/card`)).text()).not.toContain("Applying settings");
    // Created "unknown", restarting, then authorized: the first authorization of this number.
    expect(await logOf(id)).toEqual(["starting", "authorized"]);
  });
});

describe("enabled flag", () => {
  const ID = 7103777004;
  let id: number;

  test("unchecking 'Enabled' stops polling and checks; the card and the composer say so", async () => {
    id = await tracked(ID, "authorized", "Night shift");
    const form = await (await admin.get(`/instances/${id}/edit`)).text();
    expect(form).toContain('name="enabled" value="off"');
    expect(form).toMatch(/name="enabled" value="on"[^>]*checked/);
    const res = await admin.post(`/instances/${id}/edit`, {
      name: "Night shift",
      idInstance: String(ID),
      apiToken: "",
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      intakeMode: "polling",
      telegramChatId: "",
      autoReplyText: "",
      autoReplyIntervalHours: "12",
      markReadPolicy: "onReply",
      enabled: "off",
    });
    expect(res.status).toBe(303);
    expect((await rowOf(id)).enabled).toBe(false);
    expect(app.deps.poller.active).not.toContain(id);
    expect(await app.deps.instances.listPolling()).not.toContainEqual(expect.objectContaining({ id }));
    const card = await (await admin.get(`/instances/${id}/card`)).text();
    expect(card).toContain("badge-disabled");
    expect(card).toContain("This number is disabled");
    const edit = await (await admin.get(`/instances/${id}/edit`)).text();
    expect(edit).not.toMatch(/name="enabled" value="on"[^>]*checked/);
    // Not state-checked: the fake sees no getStateInstance for it.
    const before = fake.control.requests(ID).filter((r) => /getStateInstance/i.test(r.method)).length;
    fake.control.setState(ID, "notAuthorized");
    await checkInstanceStates(app.deps);
    expect(fake.control.requests(ID).filter((r) => /getStateInstance/i.test(r.method)).length).toBe(before);
    expect((await rowOf(id)).state).toBe("authorized");
    fake.control.setState(ID, "authorized");
    // The conversation shows the notice above the composer.
    const [chat] = await app.deps.db
      .insert(chats)
      .values({ instanceId: id, waChatId: "79005556677@c.us", name: "Ivan" })
      .returning();
    const page = await (await admin.get(`/instances/${id}/chats/${chat!.id}`)).text();
    expect(page).toContain("data-instance-disabled");
  });

  test("a reply to a disabled number waits in the outbox and goes out once it is enabled again", async () => {
    app.deps.outbox.start();
    const queued = await app.deps.outbox.enqueue({
      instanceId: id,
      waChatId: "79005556677@c.us",
      text: "we open at 9",
      idempotencyKey: "disabled-1",
      via: "web",
    });
    // The outbox claims due sends every second: give it two rounds.
    await Bun.sleep(2200);
    expect(fake.control.sentMessages(ID)).toHaveLength(0);
    const [row] = await app.deps.db
      .select({ status: messages.status })
      .from(messages)
      .where(eq(messages.id, queued.id));
    expect(row!.status).toBe("queued");
    await admin.post(`/instances/${id}/edit`, {
      name: "Night shift",
      idInstance: String(ID),
      apiToken: "",
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      intakeMode: "polling",
      telegramChatId: "",
      autoReplyText: "",
      autoReplyIntervalHours: "12",
      markReadPolicy: "onReply",
      enabled: "on",
    });
    await app.deps.poller.stop(id);
    expect((await rowOf(id)).enabled).toBe(true);
    await waitFor(async () => fake.control.sentMessages(ID).length === 1, 10_000);
    expect(fake.control.sentMessages(ID)[0]!.text).toBe("we open at 9");
  });
});

describe("polling follows what is stored", () => {
  test("the state job starts loops for enabled polling numbers (e.g. added on the command line) and stops the rest", async () => {
    const ID = 7103777007;
    const id = await tracked(ID, "authorized", "From the CLI");
    await app.deps.poller.stopAll();
    await syncPollers(app.deps.instances, app.deps.poller);
    await waitFor(async () => app.deps.poller.active.includes(id), 10_000);
    await app.deps.db.update(instances).set({ enabled: false }).where(eq(instances.id, id));
    await syncPollers(app.deps.instances, app.deps.poller);
    expect(app.deps.poller.active).not.toContain(id);
    await app.deps.poller.stopAll();
  });
});

describe("quota", () => {
  test("the card shows Green-API's explanation of the exhausted quota", async () => {
    const ID = 7103777005;
    const id = await tracked(ID, "authorized");
    await app.deps.intake.accept(
      id,
      ID,
      {
        typeWebhook: "quotaExceeded",
        instanceData: { idInstance: ID, wid: "", typeInstance: "whatsapp" },
        timestamp: Math.floor(Date.now() / 1000),
        quotaData: {
          method: "correspondents",
          used: 3,
          total: 3,
          status: "CORRESPONDENTS_QUOTA_EXCEEDED",
          description: "Monthly correspondents quota exceeded",
        },
      },
      "webhook",
    );
    await app.deps.intake.idle();
    const card = await (await admin.get(`/instances/${id}/card`)).text();
    expect(card).toContain("monthly quota is used up");
    expect(card).toContain("Green-API: Monthly correspondents quota exceeded");
  });

  test("a 466 answer to a call records Green-API's explanation from the answer itself", async () => {
    const ID = 7103777008;
    const id = await tracked(ID, "authorized");
    fake.control.setQuotaExceeded(ID, true);
    const row = await rowOf(id);
    const send = (c: Parameters<Parameters<typeof app.deps.gateway.call>[3]>[0]) =>
      c.sendMessage({ chatId: "79001234567@c.us", message: "hi" });
    const err = await app.deps.gateway
      .call(row, "sendMessage", "normal", send, { maxAttempts: 1 })
      .catch((e: unknown) => e);
    expect(String(err)).toContain("QUOTE_EXCEEDED");
    await waitFor(async () => (await rowOf(id)).quotaDescription !== null, 10_000);
    const card = await (await admin.get(`/instances/${id}/card`)).text();
    expect(card).toContain("monthly quota is used up");
    expect(card).toContain("Monthly quota has been exceeded. To continue, upgrade your plan in the personal area");
    fake.control.setQuotaExceeded(ID, false);
  });
});
