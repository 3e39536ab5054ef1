// Working a chat next to colleagues: editing and deleting one's own sent messages against the fake Green-API (windows,
// ownership, refusals, history kept) and "who is viewing".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chats, messages, userInstances } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, sseUntil, startTestApp, type TestApp } from "../support/app.ts";
import { EVENTS } from "../../src/events/names.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";

const ID = 7103555077;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fe";
const CUSTOMER = "79001239876@c.us";
const HX = { "hx-request": "true" };
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let chatId: number;
let anna: Agent;
let boris: Agent;

const rowOf = async (id: number) => (await app.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;
const base = (id: number) => `/instances/${instanceId}/chats/${chatId}/messages/${id}`;

/** Anna sends through the web composer; resolves when Green-API has accepted it. */
async function sent(text: string): Promise<number> {
  const res = await anna.post(
    `/instances/${instanceId}/chats/${chatId}/messages`,
    { text },
    { headers: { accept: "application/json" } },
  );
  const { id } = (await res.json()) as { id: number };
  expect(await app.deps.outbox.idle(10_000)).toBe(true);
  expect((await rowOf(id)).idMessage).toMatch(/^BAE5/);
  return id;
}

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5 } });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  app = await startTestApp();
  const { db, users } = app.deps;
  const inst = await insertFakeInstance(db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN });
  instanceId = inst!.id;
  const [chat] = await db
    .insert(chats)
    .values({ instanceId, waChatId: CUSTOMER, name: "Carol", lastMessageAt: new Date() })
    .returning();
  chatId = chat!.id;
  const a = await users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris", password: "password-1" });
  await db.insert(userInstances).values([
    { userId: a.id, instanceId },
    { userId: b.id, instanceId },
  ]);
  anna = new Agent(app.url);
  boris = new Agent(app.url, { "accept-language": "ru" });
  expect((await anna.login("anna", "password-1")).status).toBe(303);
  expect((await boris.login("boris", "password-1")).status).toBe(303);
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
});

describe("own messages", () => {
  test("the author's bubble offers edit and delete; a colleague's view of it does not", async () => {
    const id = await sent("Offer: 10% off");
    const mine = await (await anna.get(base(id), HX)).text();
    expect(mine).toContain(`hx-get="${base(id)}/edit"`);
    expect(mine).toContain(`hx-post="${base(id)}/delete"`);
    const theirs = await (await boris.get(base(id), HX)).text();
    expect(theirs).not.toContain("/edit");
    expect(theirs).not.toContain("/delete");
  });

  test("editing within 15 minutes calls editMessage and shows the new text marked edited; the original stays", async () => {
    const id = await sent("Price is 100");
    const form = await (await anna.get(`${base(id)}/edit`, HX)).text();
    expect(form).toContain("<textarea");
    expect(form).toContain("Price is 100</textarea>");
    const res = await anna.post(`${base(id)}/edit`, { text: "Price is 90" }, { headers: HX });
    expect(res.status).toBe(200);
    const bubble = await res.text();
    expect(bubble).toContain("Price is 90");
    expect(bubble).toContain('class="edited"');
    const row = await rowOf(id);
    expect(row.text).toBe("Price is 90");
    expect(row.originalText).toBe("Price is 100");
    expect(fake.control.messageChanges(ID)).toContainEqual({
      method: "editMessage",
      chatId: CUSTOMER,
      idMessage: row.idMessage!,
      text: "Price is 90",
      applied: true,
    });
  });

  test("past 15 minutes the edit is refused with the reason and nothing reaches Green-API", async () => {
    const id = await sent("Old offer");
    await app.deps.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(messages.id, id));
    const before = fake.control.messageChanges(ID).length;
    const bubble = await (await anna.get(base(id), HX)).text();
    expect(bubble).toContain("only within 15 minutes");
    expect(bubble).toContain(`hx-post="${base(id)}/delete"`);
    const res = await anna.post(`${base(id)}/edit`, { text: "New offer" }, { headers: HX });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("WhatsApp allows editing only within 15 minutes of sending.");
    expect((await rowOf(id)).text).toBe("Old offer");
    expect(fake.control.messageChanges(ID).length).toBe(before);
  });

  test("a colleague cannot edit or delete someone else's message (refused in their language)", async () => {
    const id = await sent("Anna's words");
    const edit = await boris.post(`${base(id)}/edit`, { text: "Boris was here" }, { headers: HX });
    expect(edit.status).toBe(409);
    expect(await edit.text()).toContain("только свои сообщения");
    const del = await boris.post(`${base(id)}/delete`, {}, { headers: HX });
    expect(del.status).toBe(409);
    expect(del.headers.get("hx-retarget")).toBe("#flash");
    const row = await rowOf(id);
    expect(row.text).toBe("Anna's words");
    expect(row.deletedAt).toBeNull();
  });

  test("deleting within 72 h calls deleteMessage; the row stays, shown as deleted", async () => {
    const id = await sent("Wrong chat, sorry");
    const res = await anna.post(`${base(id)}/delete`, {}, { headers: HX });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("This message was deleted");
    const row = await rowOf(id);
    expect(row.deletedAt).not.toBeNull();
    expect(row.text).toBe("Wrong chat, sorry");
    expect(fake.control.messageChanges(ID)).toContainEqual({
      method: "deleteMessage",
      chatId: CUSTOMER,
      idMessage: row.idMessage!,
      applied: true,
    });
  });

  test("past 72 hours deleting is refused and explained", async () => {
    const id = await sent("Ancient");
    await app.deps.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 73 * 3600_000) })
      .where(eq(messages.id, id));
    const bubble = await (await anna.get(base(id), HX)).text();
    expect(bubble).toContain("only within 72 hours");
    const res = await anna.post(`${base(id)}/delete`, {}, { headers: HX });
    expect(res.status).toBe(409);
    expect((await rowOf(id)).deletedAt).toBeNull();
  });

  test("Green-API's refusal is shown with its reason and the message is unchanged", async () => {
    const id = await sent("Real text");
    await app.deps.db.update(messages).set({ idMessage: "BAE5000000000000" }).where(eq(messages.id, id));
    const res = await anna.post(`${base(id)}/delete`, {}, { headers: HX });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Message by id not found");
    expect((await rowOf(id)).deletedAt).toBeNull();
  });

  test("a message of another chat is 404 through this chat's URL", async () => {
    const [other] = await app.deps.db
      .insert(chats)
      .values({ instanceId, waChatId: "79005550000@c.us", name: "Other" })
      .returning();
    const id = await sent("For Carol");
    const res = await anna.post(
      `/instances/${instanceId}/chats/${other!.id}/messages/${id}/delete`,
      {},
      { headers: HX },
    );
    expect(res.status).toBe(404);
  });
});

describe("who is viewing", () => {
  const viewing = (agent: Agent) => agent.post(`/instances/${instanceId}/chats/${chatId}/viewing`, {}, { headers: HX });

  test("each viewer sees the colleagues who have the chat open, not themselves", async () => {
    const first = await viewing(anna);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("");
    expect(await (await viewing(boris)).text()).toContain("Anna тоже в этом чате");
    const annaSees = await (await viewing(anna)).text();
    expect(annaSees).toContain("Boris is also here");
    expect(annaSees).not.toContain("Anna");
  });

  test("pings stay between the app's services: browsers' live streams never carry them", async () => {
    const stream = sseUntil(boris, /event: notice\ndata: after the ping/);
    await Bun.sleep(300); // the stream is subscribed
    await viewing(anna);
    const user = (await app.deps.sessions.validate(boris.cookies.get("gi_session")!))!.user;
    app.deps.bus.publish({ name: EVENTS.notice, userId: user.id, data: { html: "after the ping" } });
    const seen = await stream;
    expect(seen).toContain("after the ping");
    expect(seen).not.toContain(EVENTS.chatViewing);
  });

  test("the conversation page pings while open", async () => {
    const page = await (await anna.get(`/instances/${instanceId}/chats/${chatId}`)).text();
    expect(page).toContain(`hx-post="/instances/${instanceId}/chats/${chatId}/viewing"`);
  });
});
