// Another phone linked to a number (a re-scan): Green-API reports a different `wid`. Through the real webhook intake:
// the old number is remembered, the old chats stay (marked as the earlier number's), new chats belong to the new one,
// and the number's page and each old chat say so, in English and Russian.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { chats, instances } from "../../src/db/schema/index.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { WEBHOOK_TOKEN } from "../support/fixtures.ts";

const NEW_PHONE = "79115550000";

let app: TestApp;
let instanceId: number;
let idInstance: number;
let oldWid: string;
let admin: Agent;
let timestamp = 1_700_000_000;

function post(body: object) {
  return fetch(`${app.url}/webhooks/green-api/${instanceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: JSON.stringify(body),
  });
}

async function deliver(body: object) {
  expect((await post(body)).status).toBe(200);
  await app.deps.intake.idle();
}

const state = (stateInstance: string, wid: string) => ({
  typeWebhook: "stateInstanceChanged",
  instanceData: { idInstance, wid, typeInstance: "whatsapp" },
  timestamp: timestamp++,
  stateInstance,
});

const incoming = (wid: string, from: string, idMessage: string, text: string) => ({
  typeWebhook: "incomingMessageReceived",
  instanceData: { idInstance, wid, typeInstance: "whatsapp" },
  timestamp: timestamp++,
  idMessage,
  senderData: { chatId: from, chatName: "", sender: from, senderName: "Customer", senderContactName: "" },
  messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
});

async function instanceRow() {
  const [row] = await app.deps.db.select().from(instances).where(eq(instances.id, instanceId));
  return row!;
}

async function chatOf(waChatId: string) {
  const [row] = await app.deps.db
    .select()
    .from(chats)
    .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, waChatId)));
  return row!;
}

beforeAll(async () => {
  ({ app, instanceId, idInstance } = await startAppWithInstance("Sales"));
  oldWid = (await instanceRow()).wid!;
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);

afterAll(() => app.stop());

describe("the number behind an instance changes", () => {
  const oldCustomer = "79001110001@c.us";
  const newCustomer = "79001110002@c.us";

  test("chats record the number they began under; a re-scan with another phone keeps the old number and its chats", async () => {
    await deliver(incoming(oldWid, oldCustomer, "A".repeat(32), "Hello before"));
    expect((await chatOf(oldCustomer)).ownerWid).toBe(oldWid);

    // Logged out (no number while not authorized), then another phone scanned the QR code.
    await deliver(state("notAuthorized", ""));
    expect(await instanceRow()).toMatchObject({
      state: "notAuthorized",
      wid: oldWid,
      previousWid: null,
      widChangedAt: null,
    });
    await deliver(state("authorized", `${NEW_PHONE}@c.us`));
    const row = await instanceRow();
    expect(row).toMatchObject({ state: "authorized", wid: `${NEW_PHONE}@c.us`, previousWid: oldWid });
    expect(row.widChangedAt).toBeInstanceOf(Date);

    // The same number in WhatsApp's other spelling (a device of it) is not another change.
    expect(await app.deps.instances.setState(instanceId, "authorized", `${NEW_PHONE}:12@s.whatsapp.net`)).toBeNull();
    expect(await instanceRow()).toMatchObject({
      wid: `${NEW_PHONE}@c.us`,
      previousWid: oldWid,
      widChangedAt: row.widChangedAt,
    });

    await deliver(incoming(`${NEW_PHONE}@c.us`, newCustomer, "B".repeat(32), "Hello after"));
    expect((await chatOf(newCustomer)).ownerWid).toBe(`${NEW_PHONE}@c.us`);
    // The old chat is kept as it was.
    const old = await chatOf(oldCustomer);
    expect(old).toMatchObject({ ownerWid: oldWid, lastMessagePreview: "Hello before" });
  });

  test("the number's page says it changed; each chat of the earlier number says so in its header", async () => {
    const oldPhone = `+${oldWid.replace("@c.us", "")}`;
    const page = await (await admin.get(`/instances/${instanceId}`)).text();
    expect(page).toContain("data-wid-changed");
    expect(page).toMatch(
      new RegExp(
        `This number changed from \\${oldPhone} to \\+${NEW_PHONE} on [^;]+; chats from before stay as they were\\.`,
      ),
    );
    const ru = await (await admin.get(`/instances/${instanceId}`, { "accept-language": "ru" })).text();
    expect(ru).toMatch(
      new RegExp(`Номер сменился с \\${oldPhone} на \\+${NEW_PHONE} [^;]+; чаты, начатые раньше, остались как были\\.`),
    );

    const oldChat = await chatOf(oldCustomer);
    const newChat = await chatOf(newCustomer);
    const oldPane = await (await admin.get(`/instances/${instanceId}/chats/${oldChat.id}`)).text();
    expect(oldPane).toContain(`This chat belongs to the earlier number ${oldPhone}.`);
    const oldPaneRu = await (
      await admin.get(`/instances/${instanceId}/chats/${oldChat.id}`, { "accept-language": "ru" })
    ).text();
    expect(oldPaneRu).toContain(`Этот чат относится к прежнему номеру ${oldPhone}.`);
    const newPane = await (await admin.get(`/instances/${instanceId}/chats/${newChat.id}`)).text();
    expect(newPane).toContain("Hello after");
    expect(newPane).not.toContain("data-earlier-number");
  });

  test("a reply from the web to a new customer starts a chat of the current number", async () => {
    const res = await admin.post(`/instances/${instanceId}/messages`, {
      to: "+7 900 111-00-03",
      text: "Hello from the web",
      key: "number-change-1",
    });
    expect(res.status).toBeLessThan(400);
    expect((await chatOf("79001110003@c.us")).ownerWid).toBe(`${NEW_PHONE}@c.us`);
  });
});
