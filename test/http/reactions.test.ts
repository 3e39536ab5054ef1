// Reactions from the web: the quick reactions of a bubble's menu reach the fake Green-API's sendReaction, are stored as
// the number's own and shown under the bubble; taking one back; refusals.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { chats, messages, reactions, userInstances } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";

const ID = 7103555091;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210ab";
const WID = "79990001122@c.us";
const CUSTOMER = "79001239871@c.us";
const ID_MESSAGE = "AC1D2E3F4A5B6C7D8E9F";
const HX = { "hx-request": "true" };
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;
let chatId: number;
let messageId: number;
let anna: Agent;
let boris: Agent;
let carl: Agent;

const base = () => `/instances/${instanceId}/chats/${chatId}/messages/${messageId}`;
const ownReactions = () =>
  app.deps.db
    .select({ emoji: reactions.emoji })
    .from(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.reactor, WID)));

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { incomingWebhook: "yes" },
  });
  // The customer's message as WhatsApp has it (the fake's journal) and as the inbox stored it.
  fake.control.injectIncoming(ID, {
    type: "textMessage",
    chatId: CUSTOMER,
    text: "Is it in stock?",
    idMessage: ID_MESSAGE,
  });
  app = await startTestApp();
  const { db, users } = app.deps;
  const inst = await insertFakeInstance(db, fake, { name: "Sales", idInstance: ID, apiToken: TOKEN, wid: WID });
  instanceId = inst.id;
  const [chat] = await db
    .insert(chats)
    .values({ instanceId, waChatId: CUSTOMER, name: "Carol", lastMessageAt: new Date() })
    .returning();
  chatId = chat!.id;
  const [m] = await db
    .insert(messages)
    .values({
      instanceId,
      chatId,
      idMessage: ID_MESSAGE,
      direction: "in",
      type: "textMessage",
      text: "Is it in stock?",
      via: "whatsapp",
    })
    .returning({ id: messages.id });
  messageId = m!.id;
  const a = await users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris", password: "password-1" });
  await users.create({ username: "carl", displayName: "Carl", password: "password-1" });
  await db.insert(userInstances).values([
    { userId: a.id, instanceId },
    { userId: b.id, instanceId },
  ]);
  anna = new Agent(app.url);
  boris = new Agent(app.url, { "accept-language": "ru" });
  carl = new Agent(app.url);
  for (const [agent, name] of [
    [anna, "anna"],
    [boris, "boris"],
    [carl, "carl"],
  ] as const)
    expect((await agent.login(name, "password-1")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe("reactions from the web", () => {
  test("the bubble's menu offers the quick reactions, labelled in the reader's language", async () => {
    // Each bubble's menu holds the form; the conversation holds the buttons once (a template the menu takes them from).
    expect(await (await anna.get(base(), HX)).text()).toContain(`hx-post="${base()}/react"`);
    const chat = `/instances/${instanceId}/chats/${chatId}`;
    const en = await (await anna.get(chat, HX)).text();
    const template = en.match(/<template id="reaction-buttons">([\s\S]*?)<\/template>/)?.[1] ?? "";
    for (const emoji of ["👍", "❤️", "😂", "😮", "😢", "🙏"])
      expect(template).toContain(`name="emoji" value="${emoji}" aria-label="React with ${emoji}"`);
    const ru = await (await boris.get(chat, HX)).text();
    expect(ru).toContain('aria-label="Реакция 👍"');
  });

  test("a reaction goes to Green-API's sendReaction, is stored as the number's and shown under the bubble", async () => {
    const res = await anna.post(`${base()}/react`, { emoji: "👍" }, { headers: HX });
    expect(res.status).toBe(200);
    const bubble = await res.text();
    expect(bubble).toContain('class="reactions"');
    expect(bubble).toMatch(/<ul class="reactions"[^>]*><li>👍<\/li>/);
    expect(fake.control.messageChanges(ID).at(-1)).toEqual({
      method: "sendReaction",
      chatId: CUSTOMER,
      idMessage: ID_MESSAGE,
      reaction: "👍",
      applied: true,
    });
    expect(await ownReactions()).toEqual([{ emoji: "👍" }]);
    // Another reaction replaces it (one per reactor, as in WhatsApp).
    expect((await anna.post(`${base()}/react`, { emoji: "❤️" }, { headers: HX })).status).toBe(200);
    expect(await ownReactions()).toEqual([{ emoji: "❤️" }]);
  });

  test("an empty reaction takes it back in WhatsApp and here", async () => {
    const res = await anna.post(`${base()}/react`, { emoji: "" }, { headers: HX });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('class="reactions"');
    expect(fake.control.messageChanges(ID).at(-1)).toMatchObject({ method: "sendReaction", reaction: "" });
    expect(await ownReactions()).toEqual([]);
  });

  test("refused: an emoji outside the quick set (400), a user who may not send in this number (404, as for sending)", async () => {
    const before = fake.control.messageChanges(ID).length;
    expect((await anna.post(`${base()}/react`, { emoji: "🦄" }, { headers: HX })).status).toBe(400);
    expect((await carl.post(`${base()}/react`, { emoji: "👍" }, { headers: HX })).status).toBe(404);
    expect((await carl.post(`/instances/${instanceId}/chats/${chatId}/messages`, { text: "hi" })).status).toBe(404);
    expect(fake.control.messageChanges(ID).length).toBe(before);
    expect(await ownReactions()).toEqual([]);
  });

  test("Green-API refusing the reaction leaves nothing stored and says why", async () => {
    await app.deps.db.update(messages).set({ idMessage: "NOT-IN-WHATSAPP" }).where(eq(messages.id, messageId));
    try {
      const res = await anna.post(`${base()}/react`, { emoji: "🙏" }, { headers: HX });
      expect(res.status).toBe(502);
      expect(await res.text()).toContain("WhatsApp did not accept the reaction: Message by id not found");
      expect(await ownReactions()).toEqual([]);
    } finally {
      await app.deps.db.update(messages).set({ idMessage: ID_MESSAGE }).where(eq(messages.id, messageId));
    }
  });
});
