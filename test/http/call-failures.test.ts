// Failed Green-API calls outside sending (applying a number's settings, a history import) are told in the reader's
// language: our words from codes, Green-API's own description quoted as it came.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { historyImports } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103555079;
const TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef79";
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let ru: Agent;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ rateScale: 20, webhookDelivery: false });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  app = await startTestApp({ PUBLIC_URL: "https://inbox.example.com" }, undefined, { greenApiRateScale: 20 });
  app.deps.historyRunner.start();
  instanceId = (await insertFakeInstance(app.deps.db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN }))!.id;
  const boris = await app.deps.users.create({ username: "boris", password: "password-1", isAdmin: true });
  await app.deps.users.setLocale(boris.id, "ru");
  ru = new Agent(app.url);
  expect((await ru.login("boris", "password-1")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  fake.control.faults({ failMethods: [], refuseMethods: {} });
  await app.deps.historyRunner.stop();
  await app.deps.poller.stopAll();
  await app.stop();
  await fake.stop();
});

/** Saves the number with another intake mode (which applies its settings at Green-API); the flash shown after. */
async function saveWithMode(intakeMode: "polling" | "webhook"): Promise<string> {
  const res = await ru.post(`/instances/${instanceId}/edit`, {
    name: "Sales",
    idInstance: String(ID),
    apiToken: "",
    apiUrl: fake.url,
    mediaUrl: fake.mediaUrl,
    intakeMode,
    telegramChatId: "",
    autoReplyText: "",
    autoReplyIntervalHours: "12",
    markReadPolicy: "onReply",
    enabled: "on",
  });
  expect(res.status).toBe(303);
  const page = await (await ru.get(res.headers.get("location")!)).text();
  const flash = /class="flash flash-error"[^>]*>([^<]*)</.exec(page);
  expect(flash).not.toBeNull();
  return flash![1]!;
}

describe("a Russian reader", () => {
  test("settings Green-API refused: Russian words, Green-API's description quoted", async () => {
    fake.control.faults({ refuseMethods: { setSettings: "Validation failed: webhookUrl" } });
    expect(await saveWithMode("webhook")).toBe(
      "Номер сохранён, но настройки Green-API применить не удалось: Green-API отклонил запрос (Validation failed: webhookUrl). Сохраните ещё раз.",
    );
  });

  test("settings Green-API did not answer: Russian words, no English", async () => {
    fake.control.faults({ refuseMethods: {}, failMethods: ["setSettings"] });
    const flash = await saveWithMode("polling");
    expect(flash).toBe(
      "Номер сохранён, но настройки Green-API применить не удалось: Green-API не ответил. Сохраните ещё раз.",
    );
    expect(flash).not.toContain("server error");
  });

  test("a history import Green-API stopped answering: stored as a code, told in Russian", async () => {
    fake.control.faults({ failMethods: ["getContacts", "getChatHistory"] });
    expect((await ru.post(`/instances/${instanceId}/history/start`)).status).toBeLessThan(400);
    const failed = await waitFor(async () => {
      const [row] = await app.deps.db
        .select()
        .from(historyImports)
        .where(eq(historyImports.instanceId, instanceId))
        .orderBy(sql`${historyImports.id} desc`)
        .limit(1);
      return row?.status === "failed" && row;
    }, 20_000);
    expect(failed.error).toBe("notAnswering");
    const panel = await (await ru.get(`/instances/${instanceId}/history`)).text();
    expect(panel).toContain("Импорт остановился: Green-API не ответил");
    expect(panel).not.toContain("unexpected error");
    expect(panel).not.toContain("server error");
  }, 30_000);
});
