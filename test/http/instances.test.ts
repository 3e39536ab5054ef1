// Managing numbers against the fake Green-API: create/verify, settings applied, token write-only, rights, delete.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog, instances } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

const ID = 7103777001;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcd9f3e";
const PUBLIC_URL = "https://inbox.example.test";
let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ webhookDelivery: false, timings: { startingMs: 40, maxReceiveWaitMs: 200 } });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  app = await startTestApp({ PUBLIC_URL, POLL_TIMEOUT_SECONDS: "5" });
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  await admin.login("admin", "password-1");
}, 30_000);

afterAll(async () => {
  app.deps.qr.stopAll();
  await app.deps.poller.stopAll();
  await app.stop();
  await fake.stop();
});

const form = (over: Record<string, string> = {}) => ({
  name: "Sales",
  idInstance: String(ID),
  apiToken: TOKEN,
  apiUrl: fake.url,
  mediaUrl: fake.mediaUrl,
  intakeMode: "webhook",
  telegramChatId: "",
  autoReplyText: "",
  autoReplyIntervalHours: "12",
  markReadPolicy: "onReply",
  ...over,
});

async function onlyRow() {
  const rows = await app.deps.db.select().from(instances);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe("connecting a number", () => {
  test("the form offers webhook mode (PUBLIC_URL is set) and the default auto-reply interval", async () => {
    const html = await (await admin.get("/instances/new")).text();
    expect(html).toContain('name="intakeMode" value="webhook" checked=""');
    expect(html).toContain('name="autoReplyIntervalHours" type="number" min="1" max="720" step="1" value="12"');
  });

  test("invalid fields are shown next to the fields, in the user's language", async () => {
    const html = await (
      await admin.post("/instances/new", form({ name: "", idInstance: "12", apiUrl: "ftp://x" }))
    ).text();
    expect(html).toContain('id="f-name-error"');
    expect(html).toContain("Enter a name of 1-80 characters.");
    expect(html).toContain("The id is a number of 4-10 digits");
    const ru = await (
      await admin.post("/instances/new", form({ name: "" }), { headers: { "accept-language": "ru" } })
    ).text();
    expect(ru).toContain("Введите название длиной от 1 до 80 символов.");
    expect(await app.deps.db.select().from(instances)).toHaveLength(0);
  });

  test("a wrong token is refused with a clear error and nothing is saved", async () => {
    const res = await admin.post("/instances/new", form({ apiToken: "f".repeat(50) }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Green-API refused the id or token");
    expect(html).not.toContain("f".repeat(50));
    expect(await app.deps.db.select().from(instances)).toHaveLength(0);
  });

  test("an id the host does not know is a 403: the host does not match", async () => {
    const html = await (await admin.post("/instances/new", form({ idInstance: "7103777999" }))).text();
    expect(html).toContain("The API URL does not match this instance");
    expect(await app.deps.db.select().from(instances)).toHaveLength(0);
  });

  test("the right credentials save the number and apply the webhook settings at Green-API", async () => {
    const res = await admin.post("/instances/new", form());
    expect(res.status).toBe(303);
    const row = await onlyRow();
    expect(res.headers.get("location")).toBe(`/instances/${row.id}`);
    expect(row.apiToken).toBe(TOKEN);
    await Bun.sleep(150); // setSettings applies after the fake's reboot
    const settings = fake.control.inspect(ID).settings;
    expect(settings.webhookUrl).toBe(`${PUBLIC_URL}/webhooks/green-api/${row.id}`);
    expect(settings.webhookUrlToken).toBe(row.webhookToken);
    for (const flag of [
      "incomingWebhook",
      "outgoingWebhook",
      "outgoingMessageWebhook",
      "outgoingAPIMessageWebhook",
      "stateWebhook",
      "incomingCallWebhook",
      "pollMessageWebhook",
      "editedMessageWebhook",
      "deletedMessageWebhook",
    ]) {
      expect(settings[flag]).toBe("yes");
    }
    const [entry] = await app.deps.db.select().from(auditLog).where(eq(auditLog.action, "instance.created"));
    expect(JSON.stringify(entry)).not.toContain(TOKEN);
    expect(JSON.stringify(entry)).not.toContain(row.webhookToken);
  });

  test("the token never appears on a page; the edit form shows it masked", async () => {
    const row = await onlyRow();
    for (const path of [
      "/instances",
      `/instances/${row.id}`,
      `/instances/${row.id}/edit`,
      `/instances/${row.id}/card`,
      `/instances/${row.id}/status`,
      "/",
    ]) {
      const html = await (await admin.get(path)).text();
      expect(html).not.toContain(TOKEN);
      expect(html).not.toContain(row.webhookToken);
    }
    expect(await (await admin.get(`/instances/${row.id}/edit`)).text()).toContain("••••••••9f3e");
  });

  test("a second number with the same id is refused", async () => {
    const html = await (await admin.post("/instances/new", form({ name: "Again" }))).text();
    expect(html).toContain("This instance is already connected.");
  });
});

describe("editing a number", () => {
  test("saving without a new token keeps the old one and does not restart the instance", async () => {
    const row = await onlyRow();
    const before = fake.control.requests(ID).filter((r) => r.method.toLowerCase() === "setsettings").length;
    const res = await admin.post(
      `/instances/${row.id}/edit`,
      form({ name: "Sales team", apiToken: "", autoReplyEnabled: "on", autoReplyText: "We answer soon" }),
    );
    expect(res.status).toBe(303);
    const after = await onlyRow();
    expect(after.name).toBe("Sales team");
    expect(after.apiToken).toBe(TOKEN);
    expect(after.autoReplyEnabled).toBe(true);
    expect(fake.control.requests(ID).filter((r) => r.method.toLowerCase() === "setsettings")).toHaveLength(before);
  });

  test("the channel language is chosen on the form, saved, audited and refused when unknown", async () => {
    const row = await onlyRow();
    const edit = await (await admin.get(`/instances/${row.id}/edit`)).text();
    expect(edit).toContain('<select id="f-telegramLocale" name="telegramLocale"');
    const res = await admin.post(
      `/instances/${row.id}/edit`,
      form({ name: "Sales team", apiToken: "", telegramLocale: "ru" }),
    );
    expect(res.status).toBe(303);
    expect((await onlyRow()).telegramLocale).toBe("ru");
    expect(await (await admin.get(`/instances/${row.id}/edit`)).text()).toContain('<option value="ru" selected="">');
    const audits = await app.deps.db.select().from(auditLog).where(eq(auditLog.action, "instance.updated"));
    expect(audits.some((a) => JSON.stringify(a.details).includes("telegramLocale"))).toBe(true);
    const bad = await admin.post(
      `/instances/${row.id}/edit`,
      form({ name: "Sales team", apiToken: "", telegramLocale: "de" }),
    );
    expect(bad.status).toBe(200);
    expect(await bad.text()).toContain("Choose a language from the list.");
    expect((await onlyRow()).telegramLocale).toBe("ru");
    await admin.post(`/instances/${row.id}/edit`, form({ name: "Sales team", apiToken: "" }));
    expect((await onlyRow()).telegramLocale).toBeNull();
  });

  test("switching to polling clears the webhook at Green-API and starts the poller", async () => {
    const row = await onlyRow();
    await Bun.sleep(1100); // setSettings allows 1 request per second
    const res = await admin.post(
      `/instances/${row.id}/edit`,
      form({ name: "Sales team", apiToken: "", intakeMode: "polling" }),
    );
    expect(res.status).toBe(303);
    await Bun.sleep(150);
    expect(fake.control.inspect(ID).settings.webhookUrl).toBe("");
    expect(fake.control.inspect(ID).settings.incomingWebhook).toBe("yes");
    expect(app.deps.poller.active).toContain(row.id);
    await app.deps.poller.stop(row.id);
  });

  test("auto-reply on without a text is an error next to the field", async () => {
    const row = await onlyRow();
    const html = await (
      await admin.post(`/instances/${row.id}/edit`, form({ apiToken: "", autoReplyEnabled: "on", autoReplyText: "" }))
    ).text();
    expect(html).toContain('id="f-autoReplyText-error"');
  });
});

describe("who may manage", () => {
  let other: number;
  let manager: Agent;
  let agent: Agent;

  beforeAll(async () => {
    other = await insertInstance(app.deps.db, "Elsewhere");
    const m = await app.deps.users.create({ username: "manager", password: "password-1", canManageInstances: true });
    const a = await app.deps.users.create({ username: "agent", password: "password-1" });
    const [sales] = await app.deps.db.select().from(instances).where(eq(instances.idInstance, ID));
    await grant(app.deps.db, m.id, sales!.id);
    await grant(app.deps.db, a.id, sales!.id);
    manager = new Agent(app.url);
    await manager.login("manager", "password-1");
    agent = new Agent(app.url);
    await agent.login("agent", "password-1");
  });

  test("a manager without access to a number gets 404 on its settings", async () => {
    expect((await manager.get(`/instances/${other}/edit`)).status).toBe(404);
    expect((await manager.post(`/instances/${other}/edit`, form())).status).toBe(404);
  });

  test("a user without the capability gets 403 on /instances/new, and a read-only settings page", async () => {
    expect((await agent.get("/instances/new")).status).toBe(403);
    expect((await agent.post("/instances/new", form({ idInstance: "7103777002" }))).status).toBe(403);
    const [sales] = await app.deps.db.select().from(instances).where(eq(instances.idInstance, ID));
    const html = await (await agent.get(`/instances/${sales!.id}/edit`)).text();
    expect(html).toContain("Only people who may manage numbers");
    expect(html).not.toContain("••••");
    expect((await agent.post(`/instances/${sales!.id}/edit`, form())).status).toBe(403);
    expect((await agent.post(`/instances/${sales!.id}/reboot`)).status).toBe(403);
  });

  test("the numbers page offers 'Connect a number' to managers only", async () => {
    expect(await (await manager.get("/instances")).text()).toContain('href="/instances/new"');
    expect(await (await agent.get("/instances")).text()).not.toContain('href="/instances/new"');
  });
});

describe("removing a number", () => {
  test("the settings page says what is lost; a wrong name keeps it; keeping the history disables the number instead", async () => {
    const [sales] = await app.deps.db.select().from(instances).where(eq(instances.idInstance, ID));
    const html = await (await admin.get(`/instances/${sales!.id}/edit`)).text();
    expect(html).toContain("0 chats and 0 messages");
    expect(html).toContain(`action="/instances/${sales!.id}/delete"`);
    expect(html).toContain('name="history" value="keep" checked');
    expect((await admin.post(`/instances/${sales!.id}/delete`, { confirm: "nope" })).headers.get("location")).toBe(
      `/instances/${sales!.id}/edit`,
    );
    expect(await app.deps.instances.exists(sales!.id)).toBe(true);
    const kept = await admin.post(`/instances/${sales!.id}/delete`, { confirm: "Sales team", history: "keep" });
    expect(kept.headers.get("location")).toBe(`/instances/${sales!.id}`);
    expect((await app.deps.instances.getRow(sales!.id))!.enabled).toBe(false);
  });

  test("the right name with 'delete the history' removes the number and its history", async () => {
    const [sales] = await app.deps.db.select().from(instances).where(eq(instances.idInstance, ID));
    const res = await admin.post(`/instances/${sales!.id}/delete`, { confirm: "Sales team", history: "remove" });
    expect(res.headers.get("location")).toBe("/instances");
    expect(await app.deps.instances.exists(sales!.id)).toBe(false);
    const [entry] = await app.deps.db.select().from(auditLog).where(eq(auditLog.action, "instance.deleted"));
    expect(entry!.target).toBe(`instance:${sales!.id}`);
    expect(JSON.stringify(entry)).not.toContain(TOKEN);
  });

  test("no request went over Green-API's rate limits", () => {
    expect(fake.control.violations()).toBe(0);
  });
});
