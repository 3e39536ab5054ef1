// Team workflow over HTTP: assignment and states (system lines, notices, reopen on a customer message), private notes,
// quick replies, labels, contacts and search — each within the user's visible instances.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import { chats, contacts, instances, messages, quickReplies, telegramPosts } from "../../src/db/schema/index.ts";
import type { AppEvent } from "../../src/events/bus.ts";
import { EVENTS } from "../../src/events/names.ts";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let sales: number;
let support: number;
let salesIdInstance: number;
let anna: Agent;
let boris: Agent;
let admin: Agent;
let annaId: number;
let borisId: number;
let outsiderId: number;
let salesChat: number;
let supportChat: number;
const HX = { "hx-request": "true" };
const events: AppEvent[] = [];

async function login(name: string): Promise<Agent> {
  const agent = new Agent(app.url);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

async function chatRow(id: number) {
  const [row] = await app.deps.db.select().from(chats).where(eq(chats.id, id));
  return row!;
}

async function systemLines(chatId: number): Promise<string[]> {
  const rows = await app.deps.db
    .select({ text: messages.text })
    .from(messages)
    .where(and(eq(messages.chatId, chatId), eq(messages.direction, "system")))
    .orderBy(messages.id);
  return rows.map((r) => r.text ?? "");
}

let seq = 0;
/** A customer message through the real intake and ingest. */
async function customerWrites(waChatId: string, text: string, chatName = "Carol") {
  const body = {
    ...REFERENCE_ENVELOPE,
    instanceData: { idInstance: salesIdInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage: `TEAM${++seq}`,
    senderData: { chatId: waChatId, chatName, sender: waChatId, senderName: chatName, senderContactName: "" },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  };
  expect((await app.deps.intake.accept(sales, salesIdInstance, body, "webhook")).ok).toBe(true);
  await app.deps.intake.idle();
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { db, users } = app.deps;
  sales = await insertInstance(db, "Sales");
  support = await insertInstance(db, "Support");
  salesIdInstance = (
    await db.select({ idInstance: instances.idInstance }).from(instances).where(eq(instances.id, sales))
  )[0]!.idInstance;
  await users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  const a = await users.create({
    username: "anna",
    displayName: "Anna",
    password: "password-1",
    canManageInstances: true,
  });
  const b = await users.create({ username: "boris", displayName: "Boris", password: "password-1" });
  const o = await users.create({ username: "olga", displayName: "Olga", password: "password-1" });
  annaId = a.id;
  borisId = b.id;
  outsiderId = o.id;
  await grant(db, a.id, sales);
  await grant(db, b.id, sales);
  await grant(db, b.id, support);
  await grant(db, o.id, support);
  await customerWrites("79001112233@c.us", "Where is my order?", "Carol");
  salesChat = (await db.select({ id: chats.id }).from(chats).where(eq(chats.waChatId, "79001112233@c.us")))[0]!.id;
  const [sc] = await db
    .insert(chats)
    .values({ instanceId: support, waChatId: "79005556677@c.us", name: "Support Sam", lastMessageAt: new Date() })
    .returning();
  supportChat = sc!.id;
  await db.insert(messages).values({
    instanceId: support,
    chatId: supportChat,
    direction: "in",
    type: "textMessage",
    via: "whatsapp",
    text: "secret delivery question",
    idMessage: "S1",
  });
  await db.insert(contacts).values({ phone: "79005556677", waName: "Support Sam", notes: "supportonly vip" });
  anna = await login("anna");
  boris = await login("boris");
  admin = await login("admin");
  app.deps.bus.subscribe((e) => events.push(e));
}, 30_000);
afterAll(() => app.stop());

const base = () => `/instances/${sales}/chats/${salesChat}`;

describe("state and assignment", () => {
  test("a new chat is open, unassigned, and counted in the Unassigned and All tabs", async () => {
    expect(await chatRow(salesChat)).toMatchObject({ status: "open", assigneeId: null });
    const tabs = await (await anna.get("/chats/tabs", HX)).text();
    expect(tabs).toMatch(/data-tab-count="mine">0</);
    expect(tabs).toContain('data-hx-get="/chats/tabs"');
    expect(tabs).toMatch(/data-tab-count="unassigned">1</);
    expect(tabs).toMatch(/data-tab-count="all">1</);
  });

  test("tab counts keep the open chat's path, and take a malformed or foreign HX-Current-URL as the chat list", async () => {
    const within = await (
      await anna.get("/chats/tabs", { ...HX, "hx-current-url": `${app.url}${base()}?tab=mine` })
    ).text();
    expect(within).toContain(`hx-get="${base()}"`);
    for (const header of ["not a url", "http://[::1", 'https://evil.example/x"><script>', `${app.url}/users/1`]) {
      const res = await anna.get("/chats/tabs", { ...HX, "hx-current-url": header });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('hx-get="/chats"');
      expect(html).not.toContain("<script>");
    }
  });

  test("take: the chat becomes Anna's, with a system line; it moves from Unassigned to Mine", async () => {
    events.length = 0;
    const res = await anna.post(`${base()}/take`, {}, { headers: HX });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Assigned to Anna");
    expect((await chatRow(salesChat)).assigneeId).toBe(annaId);
    expect(await systemLines(salesChat)).toEqual(["Anna took the conversation"]);
    expect(events.some((e) => e.name === EVENTS.teamTabs)).toBe(true);
    const mine = await (await anna.get("/chats?tab=mine")).text();
    expect(mine).toContain("Carol");
    // The row's preview stays the customer's message, not the system line.
    expect(mine).toContain('<span class="chat-preview" dir="auto">Where is my order?</span>');
    const unassigned = await (await anna.get("/chats?tab=unassigned")).text();
    expect(unassigned).not.toMatch(/id="chat-\d+"/);
    expect(await (await boris.get("/chats?tab=mine")).text()).not.toMatch(/id="chat-\d+"/);
  });

  test("transfer with a note: system line with the note, a notice for Boris only", async () => {
    events.length = 0;
    const res = await anna.post(
      `${base()}/assign`,
      { assignee: String(borisId), note: "VIP, be quick" },
      { headers: HX },
    );
    expect(res.status).toBe(200);
    expect((await chatRow(salesChat)).assigneeId).toBe(borisId);
    expect((await systemLines(salesChat)).at(-1)).toBe("Anna transferred the conversation to Boris: VIP, be quick");
    const notice = events.find((e) => e.name === EVENTS.notice);
    expect(notice?.userId).toBe(borisId);
    expect(String(notice?.data.html)).toContain("VIP, be quick");
    expect(JSON.stringify(notice).length).toBeLessThan(8000);
  });

  test("assigning to someone who may not see the instance changes nothing", async () => {
    const before = await systemLines(salesChat);
    await anna.post(`${base()}/assign`, { assignee: String(outsiderId) }, { headers: HX });
    expect((await chatRow(salesChat)).assigneeId).toBe(borisId);
    expect(await systemLines(salesChat)).toEqual(before);
  });

  test("resolve → Resolved tab; a customer message reopens it", async () => {
    await boris.post(`${base()}/status`, { status: "resolved" }, { headers: HX });
    expect((await chatRow(salesChat)).status).toBe("resolved");
    expect(await (await boris.get("/chats")).text()).not.toContain(`id="chat-${salesChat}"`);
    expect(await (await boris.get("/chats?tab=resolved")).text()).toContain(`id="chat-${salesChat}"`);
    await customerWrites("79001112233@c.us", "One more thing");
    expect((await chatRow(salesChat)).status).toBe("open");
    expect((await systemLines(salesChat)).at(-1)).toBe("Reopened: the customer wrote again");
    expect((await chatRow(salesChat)).assigneeId).toBe(borisId);
  });

  test("pending and reopen write their lines", async () => {
    await boris.post(`${base()}/status`, { status: "pending" }, { headers: HX });
    expect((await chatRow(salesChat)).status).toBe("pending");
    await boris.post(`${base()}/status`, { status: "open" }, { headers: HX });
    expect((await systemLines(salesChat)).slice(-2)).toEqual([
      "Boris set the conversation to pending",
      "Boris reopened the conversation",
    ]);
  });

  test("system lines are stored as codes and shown in the reader's language; old lines show their text", async () => {
    const { db, users } = app.deps;
    const stored = await db
      .select({ event: messages.event })
      .from(messages)
      .where(and(eq(messages.chatId, salesChat), eq(messages.direction, "system")))
      .orderBy(messages.id);
    expect(stored.map((r) => r.event)).toEqual([
      { key: "team.line.took", params: { by: "Anna", to: "Anna" } },
      { key: "team.line.transferred", params: { by: "Anna", to: "Boris", note: "VIP, be quick" } },
      { key: "team.line.resolved", params: { by: "Boris" } },
      { key: "team.line.reopenedByCustomer" },
      { key: "team.line.pending", params: { by: "Boris" } },
      { key: "team.line.reopened", params: { by: "Boris" } },
    ]);
    await db.insert(messages).values({
      instanceId: sales,
      chatId: salesChat,
      direction: "system",
      type: "teamEvent",
      via: "web",
      text: "Legacy line kept as written",
    });
    await users.setLocale(borisId, "ru");
    try {
      const html = await (await boris.get(base())).text();
      expect(html).toContain("Anna передал(а) диалог: Boris: VIP, be quick");
      expect(html).toContain("Снова открыт: клиент написал ещё раз");
      expect(html).toContain("Boris перевёл(а) диалог в ожидание");
      expect(html).toContain("Legacy line kept as written");
      expect(html).not.toContain("the conversation");
    } finally {
      await users.setLocale(borisId, null);
    }
  });

  test("round robin: new chats of an auto-assign instance go to available managers in turn", async () => {
    await app.deps.db.update(instances).set({ autoAssign: true }).where(eq(instances.id, sales));
    for (const n of [1, 2, 3]) await customerWrites(`7900999000${n}@c.us`, `hello ${n}`, `Auto ${n}`);
    const rows = await app.deps.db
      .select({ assigneeId: chats.assigneeId, waChatId: chats.waChatId })
      .from(chats)
      .orderBy(chats.id);
    const auto = rows.filter((r) => r.waChatId.startsWith("7900999000")).map((r) => r.assigneeId);
    // Admin is available too (admins may see every instance); the order follows user ids.
    expect(new Set(auto).size).toBe(3);
    expect(auto.every((id) => id !== null && id !== outsiderId)).toBe(true);
    await app.deps.db.update(instances).set({ autoAssign: false }).where(eq(instances.id, sales));
  });
});

describe("private notes", () => {
  test("a note is stored as 'note', rendered as a note, never queued for WhatsApp nor posted to Telegram", async () => {
    const res = await anna.post(
      `${base()}/notes`,
      { text: "Customer is angry, careful", key: "note-key-0001" },
      { headers: HX },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("msg-note");
    expect(html).toContain("Customer is angry, careful");
    expect(html).toContain("Internal note · Anna");
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.text, "Customer is angry, careful"));
    expect(row).toMatchObject({ direction: "note", status: null, idMessage: null });
    // The same key again adds nothing.
    await anna.post(`${base()}/notes`, { text: "Customer is angry, careful", key: "note-key-0001" }, { headers: HX });
    expect(
      await app.deps.db.select().from(messages).where(eq(messages.text, "Customer is angry, careful")),
    ).toHaveLength(1);
    expect(await app.deps.db.select().from(telegramPosts)).toHaveLength(0);
  });

  test("with notesToTelegram and a linked channel, the note is queued for the channel", async () => {
    await app.deps.db
      .update(instances)
      .set({ notesToTelegram: true, telegramChatId: -100123 })
      .where(eq(instances.id, sales));
    await anna.post(`${base()}/notes`, { text: "Posted to the team channel", key: "note-key-0002" }, { headers: HX });
    const posts = await app.deps.db.select().from(telegramPosts).where(eq(telegramPosts.tgChatId, -100123));
    expect(posts.map((p) => (p.payload as { text: string }).text).join()).toContain("Posted to the team channel");
    await app.deps.db
      .update(instances)
      .set({ notesToTelegram: false, telegramChatId: null })
      .where(eq(instances.id, sales));
  });

  test("notes are found by search", async () => {
    const page = await (await anna.get("/chats?q=angry")).text();
    expect(page).toContain(`id="chat-${salesChat}"`);
  });
});

describe("quick replies", () => {
  test("admins save global replies, number managers their numbers' replies only; others get 403", async () => {
    // Global replies show in every number, also ones the manager cannot see: admins only.
    expect(
      (await anna.post("/quick-replies", { instance: "", code: "hi", text: "Hello {name}, this is {manager}." }))
        .status,
    ).toBe(403);
    expect(await (await anna.get("/quick-replies")).text()).not.toContain('<option value="">');
    expect(
      (await admin.post("/quick-replies", { instance: "", code: "hi", text: "Hello {name}, this is {manager}." }))
        .status,
    ).toBe(303);
    expect(
      (
        await anna.post("/quick-replies", {
          instance: String(sales),
          code: "ship",
          text: "Your order ships today, {name}.",
        })
      ).status,
    ).toBe(303);
    expect((await anna.post("/quick-replies", { instance: String(support), code: "x", text: "no" })).status).toBe(404);
    expect((await boris.get("/quick-replies")).status).toBe(403);
    const page = await (await anna.get("/quick-replies")).text();
    expect(page).toContain("/hi");
    expect(page).toContain("/ship");
    // Neither overwritten nor deleted by a number manager.
    expect((await anna.post("/quick-replies", { instance: "", code: "hi", text: "Overwritten" })).status).toBe(403);
    const [global] = await app.deps.db.select().from(quickReplies).where(isNull(quickReplies.instanceId));
    expect(global!.text).toBe("Hello {name}, this is {manager}.");
    expect((await anna.post(`/quick-replies/${global!.id}/delete`)).status).toBe(403);
    expect(await app.deps.db.select().from(quickReplies).where(isNull(quickReplies.instanceId))).toHaveLength(1);
  });

  test("the composer list fills placeholders and filters by code prefix", async () => {
    const res = await boris.get(`${base()}/quick-replies?q=h`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { code: string; text: string }[];
    expect(list).toEqual([expect.objectContaining({ code: "hi", text: "Hello Carol, this is Boris." })]);
    const all = (await (await boris.get(`${base()}/quick-replies`)).json()) as { code: string }[];
    expect(all.map((r) => r.code)).toEqual(["ship", "hi"]);
    const other = (await (await boris.get(`/instances/${support}/chats/${supportChat}/quick-replies`)).json()) as {
      code: string;
    }[];
    expect(other.map((r) => r.code)).toEqual(["hi"]);
  });
});

describe("labels", () => {
  let vip = 0;
  test("admins manage labels; others get 403", async () => {
    expect((await boris.get("/labels")).status).toBe(403);
    expect((await admin.post("/labels", { name: "VIP", color: "#ff0000" })).status).toBe(303);
    expect((await admin.post("/labels", { name: "vip", color: "#00ff00" })).status).toBe(400);
    vip = Number((/action="\/labels\/(\d+)\/delete"/.exec(await (await admin.get("/labels")).text()) ?? [])[1]);
    expect(vip).toBeGreaterThan(0);
  });

  test("labels on chats show as chips and filter the list, within visible instances only", async () => {
    await boris.post(`${base()}/labels`, { label: String(vip), on: "1" }, { headers: HX });
    await boris.post(
      `/instances/${support}/chats/${supportChat}/labels`,
      { label: String(vip), on: "1" },
      { headers: HX },
    );
    const annaList = await (await anna.get(`/chats?label=${vip}`)).text();
    expect(annaList).toContain(`id="chat-${salesChat}"`);
    expect(annaList).toContain("label-chip");
    expect(annaList).not.toContain("Support Sam");
    const borisList = await (await boris.get(`/chats?label=${vip}`)).text();
    expect(borisList).toContain("Support Sam");
    // Anna may not label chats of an instance she cannot see.
    expect(
      (
        await anna.post(
          `/instances/${support}/chats/${supportChat}/labels`,
          { label: String(vip), on: "0" },
          { headers: HX },
        )
      ).status,
    ).toBe(404);
  });
});

describe("contacts and search", () => {
  test("ingest records the customer as a contact with WhatsApp's name", async () => {
    const [row] = await app.deps.db.select().from(contacts).where(eq(contacts.phone, "79001112233"));
    expect(row?.waName).toBe("Carol");
  });

  test("a manager of A sees A's contacts only; B's contact is 404 for her", async () => {
    const list = await (await anna.get("/contacts")).text();
    expect(list).toContain("Carol");
    expect(list).not.toContain("Support Sam");
    const [sam] = await app.deps.db.select().from(contacts).where(eq(contacts.phone, "79005556677"));
    expect((await anna.get(`/contacts/${sam!.id}`)).status).toBe(404);
    expect((await anna.post(`/contacts/${sam!.id}`, { name: "hacked", notes: "", fields: "" })).status).toBe(404);
    expect((await boris.get(`/contacts/${sam!.id}`)).status).toBe(200);
  });

  test("editing a contact: name, notes, custom fields; its chats are listed", async () => {
    const [carol] = await app.deps.db.select().from(contacts).where(eq(contacts.phone, "79001112233"));
    expect(
      (
        await anna.post(`/contacts/${carol!.id}`, {
          name: "Carol King",
          notes: "prefers mornings",
          fields: "City: Berlin\nbad line",
        })
      ).status,
    ).toBe(303);
    const page = await (await anna.get(`/contacts/${carol!.id}`)).text();
    expect(page).toContain("Carol King");
    expect(page).toContain("prefers mornings");
    expect(page).toContain("City: Berlin");
    expect(page).toContain(`/instances/${sales}/chats/${salesChat}`);
    // Contacts are per person, shared by every number's team: the page says so where the notes are written.
    expect(page).toContain("every team that talks to them sees and can change them");
    const [saved] = await app.deps.db.select().from(contacts).where(eq(contacts.id, carol!.id));
    expect(saved!.fields).toEqual({ City: "Berlin" });
  });

  test("the composer's {name} is the team's name for the contact once it has one", async () => {
    const list = (await (await boris.get(`${base()}/quick-replies?q=hi`)).json()) as { text: string }[];
    expect(list[0]?.text).toBe("Hello Carol King, this is Boris.");
  });

  test("search finds chats by contact notes, but never another instance's", async () => {
    expect(await (await anna.get("/chats?q=mornings")).text()).toContain(`id="chat-${salesChat}"`);
    const hits = await (await anna.get("/chats?q=supportonly")).text();
    expect(hits).not.toContain("Support Sam");
    expect(await (await anna.get("/chats?q=delivery")).text()).not.toContain("Support Sam");
    expect(await (await boris.get("/chats?q=supportonly")).text()).toContain("Support Sam");
  });

  test("filters combine: state + assignee + dates", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const mine = await (await boris.get(`/chats?status=open&assignee=${borisId}&from=${today}&to=${today}`)).text();
    expect(mine).toContain(`id="chat-${salesChat}"`);
    const none = await (await boris.get(`/chats?status=resolved&assignee=${borisId}`)).text();
    expect(none).not.toContain(`id="chat-${salesChat}"`);
    const past = await (await boris.get(`/chats?to=2000-01-01`)).text();
    expect(past).not.toMatch(/id="chat-\d+"/);
  });
});

describe("team settings", () => {
  test("a manager of the instance turns on auto-assignment and notes to Telegram; others may not", async () => {
    expect((await boris.post(`/instances/${sales}/team-settings`, { autoAssign: "on" })).status).toBe(403);
    expect((await anna.post(`/instances/${support}/team-settings`, { autoAssign: "on" })).status).toBe(404);
    expect(
      (await anna.post(`/instances/${sales}/team-settings`, { autoAssign: "on", notesToTelegram: "on" })).status,
    ).toBe(303);
    const [row] = await app.deps.db.select().from(instances).where(eq(instances.id, sales));
    expect(row).toMatchObject({ autoAssign: true, notesToTelegram: true });
    expect(await (await anna.get("/quick-replies")).text()).toContain(`action="/instances/${sales}/team-settings"`);
    await anna.post(`/instances/${sales}/team-settings`, {});
    const [off] = await app.deps.db.select().from(instances).where(eq(instances.id, sales));
    expect(off).toMatchObject({ autoAssign: false, notesToTelegram: false });
  });

  test("a user who is not available is skipped by round robin", async () => {
    expect((await boris.post("/team/availability", { available: "0" }, { headers: HX })).status).toBe(200);
    await app.deps.db.update(instances).set({ autoAssign: true }).where(eq(instances.id, sales));
    for (const n of [4, 5, 6]) await customerWrites(`7900999000${n}@c.us`, `hi ${n}`, `Later ${n}`);
    const rows = await app.deps.db.select({ assigneeId: chats.assigneeId, waChatId: chats.waChatId }).from(chats);
    const later = rows.filter((r) => /^7900999000[456]@/.test(r.waChatId)).map((r) => r.assigneeId);
    expect(later).toHaveLength(3);
    expect(later.includes(borisId)).toBe(false);
    expect(later.every((id) => id !== null)).toBe(true);
    await app.deps.db.update(instances).set({ autoAssign: false }).where(eq(instances.id, sales));
    await boris.post("/team/availability", { available: "1" }, { headers: HX });
  });
});
