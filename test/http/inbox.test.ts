// The web inbox over HTTP: chat list (per-user unread, search, keyset pages), conversations, sending, the gate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { chats, messages, reactions } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let sales: number;
let support: number;
let anna: Agent;
let boris: Agent;
let admin: Agent;
let outsider: Agent;
const HX = { "hx-request": "true" };

type NewMessage = Partial<typeof messages.$inferInsert> & { chatId: number; instanceId: number };

async function chat(instanceId: number, waChatId: string, name: string | null, at = new Date()): Promise<number> {
  const [row] = await app.deps.db
    .insert(chats)
    .values({ instanceId, waChatId, name, lastMessageAt: at })
    .returning({ id: chats.id });
  return row!.id;
}

async function message(m: NewMessage): Promise<number> {
  const [row] = await app.deps.db
    .insert(messages)
    .values({
      direction: "in",
      type: "textMessage",
      via: "whatsapp",
      text: "hello",
      idMessage: crypto.randomUUID(),
      ...m,
    })
    .returning({ id: messages.id });
  await app.deps.db
    .update(chats)
    .set({
      lastMessageAt: sql`greatest(${chats.lastMessageAt}, ${(m.sentAt ?? new Date()).toISOString()}::timestamptz)`,
    })
    .where(eq(chats.id, m.chatId));
  return row!.id;
}

async function login(name: string, headers: Record<string, string> = {}): Promise<Agent> {
  const agent = new Agent(app.url, headers);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

const html = async (res: Response) => {
  expect(res.status).toBe(200);
  return res.text();
};

let annaChat: number;
let supportChat: number;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { db, users } = app.deps;
  sales = await insertInstance(db, "Sales");
  support = await insertInstance(db, "Support");
  await users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  const a = await users.create({ username: "anna", displayName: "Anna Manager", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris Manager", password: "password-1" });
  await users.create({ username: "outsider", password: "password-1" });
  await grant(db, a.id, sales);
  await grant(db, b.id, sales);
  await grant(db, b.id, support);
  annaChat = await chat(sales, "79001112233@c.us", "Customer Carol");
  supportChat = await chat(support, "79005556677@c.us", "Support Sam");
  await message({ chatId: annaChat, instanceId: sales, text: "Where is my order?" });
  await message({ chatId: supportChat, instanceId: support, text: "Привет, нужна помощь с доставкой" });
  anna = await login("anna");
  boris = await login("boris", { "accept-language": "ru" });
  admin = await login("admin");
  outsider = await login("outsider");
}, 30_000);
afterAll(() => app.stop());

describe("chat list", () => {
  test("shows visible chats with name, instance badge, preview and a per-user unread badge", async () => {
    const page = await html(await anna.get("/chats"));
    expect(page).toContain("Customer Carol");
    expect(page).toContain("Where is my order?");
    expect(page).toContain('class="instance-badge">Sales<');
    expect(page).toContain('aria-label="1 unread message"');
    expect(page).not.toContain("Support Sam");
    const ru = await html(await boris.get("/chats"));
    expect(ru).toContain("Support Sam");
    expect(ru).toContain('aria-label="1 непрочитанное сообщение"');
  });

  test("opening a chat marks it read for that user only", async () => {
    await html(await anna.get(`/instances/${sales}/chats/${annaChat}`));
    expect(await html(await anna.get("/chats"))).not.toContain('class="unread"');
    expect(await html(await boris.get("/chats"))).toMatch(new RegExp(`id="chat-${annaChat}"[^]*?class="unread"`));
    const [read] = await app.deps.db
      .execute(sql`select count(*)::int as n from chat_reads`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { n: number }[]);
    expect(read!.n).toBe(1);
    // A newer incoming message is unread again; the user's own read marker is what counts.
    await message({ chatId: annaChat, instanceId: sales, text: "Hello again" });
    expect(await html(await anna.get("/chats"))).toContain('aria-label="1 unread message"');
    expect(
      await app.deps.inbox.unreadChats((await app.deps.sessions.validate(anna.cookies.get("gi_session")!))!.user),
    ).toBe(1);
  });

  test("a colleague who joins later starts with nothing unread; what arrives after counts", async () => {
    const n = await app.deps.users.create({ username: "newbie", displayName: "New Colleague", password: "password-1" });
    await grant(app.deps.db, n.id, sales);
    const newbie = await login("newbie");
    const user = (await app.deps.sessions.validate(newbie.cookies.get("gi_session")!))!.user;
    expect(await html(await newbie.get("/chats"))).not.toContain('class="unread"');
    expect(await app.deps.inbox.unreadChats(user)).toBe(0);
    await message({ chatId: annaChat, instanceId: sales, text: "Anyone there?", sentAt: new Date(Date.now() + 1000) });
    expect(await html(await newbie.get("/chats"))).toContain('aria-label="1 unread message"');
    expect(await app.deps.inbox.unreadChats(user)).toBe(1);
  });

  test("a user without access to an instance never sees its chats, even filtered or searched", async () => {
    for (const path of ["/chats", `/chats?instance=${sales}`, "/chats?q=Carol", `/chats?q=order`]) {
      const page = await html(await outsider.get(path));
      expect(page).not.toContain("Customer Carol");
    }
    expect(await html(await outsider.get("/chats"))).toContain("No WhatsApp numbers yet");
    expect((await outsider.get(`/instances/${sales}/chats`)).status).toBe(404);
  });

  test("the instance filter and the per-instance page list only that number's chats", async () => {
    const filtered = await html(await boris.get(`/chats?instance=${support}`, HX));
    expect(filtered).toContain("Support Sam");
    expect(filtered).not.toContain("Customer Carol");
    const page = await html(await boris.get(`/instances/${sales}/chats`));
    expect(page).toContain("Customer Carol");
    expect(page).not.toContain("Support Sam");
    expect(page).toContain(`sse-swap="chats.${sales},chat"`);
  });

  test("the number filter offers only the numbers the user may see, by name (shown from two numbers on)", async () => {
    const options = async (agent: Agent) => {
      const select = /<select name="instance"[\s\S]*?<\/select>/.exec(await html(await agent.get("/chats")))?.[0] ?? "";
      return [...select.matchAll(/<option value="(\d+)"[^>]*>([^<]*)</g)].map((m) => [Number(m[1]), m[2]]);
    };
    expect(await options(boris)).toEqual([
      [sales, "Sales"],
      [support, "Support"],
    ]);
    expect(await options(admin)).toEqual([
      [sales, "Sales"],
      [support, "Support"],
    ]);
    expect(await options(anna)).toEqual([]);
    expect(await options(outsider)).toEqual([]);
  });

  test("search matches names, digits of the number, and words (prefixes) of messages in any language", async () => {
    const results = async (q: string) =>
      html(await boris.get(`/chats?q=${encodeURIComponent(q)}`, { ...HX, "hx-target": "chat-results" }));
    expect(await results("carol")).toContain("Customer Carol");
    expect(await results("555 66")).toContain("Support Sam");
    expect(await results("5556677")).not.toContain("Customer Carol");
    const byText = await results("доста");
    expect(byText).toContain("Support Sam");
    expect(byText).toContain("Привет, нужна помощь с доставкой");
    expect(byText).not.toContain("Customer Carol");
    expect(await results("ord")).toContain("Customer Carol");
    const none = await results("zzzz");
    expect(none).not.toContain("chat-row");
    expect(none).toContain("По запросу «zzzz» ничего не найдено");
    // Search results are not a live list: only rows already shown are updated.
    expect(await results("carol")).toContain('sse-swap="chat"');
    // Deleted messages are not found.
    await message({ chatId: annaChat, instanceId: sales, text: "secretword", deletedAt: new Date() });
    expect(await results("secretword")).not.toContain("Customer Carol");
  });

  test("pages of 50 by keyset: complete, without repeats, and stable while new chats arrive on top", async () => {
    const base = Date.now() - 10 * 86_400_000;
    for (let i = 0; i < 120; i++) {
      const id = await chat(
        sales,
        `7800000${String(i).padStart(4, "0")}@c.us`,
        `Paged ${String(i).padStart(3, "0")}`,
        new Date(base + i * 1000),
      );
      await message({ chatId: id, instanceId: sales, sentAt: new Date(base + i * 1000), text: `paged ${i}` });
    }
    const seen: string[] = [];
    const first = await html(await anna.get("/chats"));
    const names = (page: string) => [...page.matchAll(/class="chat-name">(Paged \d+)</g)].map((m) => m[1]!);
    seen.push(...names(first));
    let next = /hx-get="(\/chats\?before=[^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/chats\?before=\d+_\d+$/);
    // New activity on top between pages does not shift the next page (it would with OFFSET).
    const late = await chat(sales, "79990000000@c.us", "Late arrival");
    await message({ chatId: late, instanceId: sales, text: "new on top" });
    let pages = 1;
    while (next) {
      const page = await html(await anna.get(next, HX));
      expect(page).not.toContain("<html");
      seen.push(...names(page));
      next = /hx-get="(\/chats\?before=[^"]+)"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(120);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `Paged ${String(119 - i).padStart(3, "0")}`));
  });
});

describe("conversation", () => {
  let convo: number;
  const ids: number[] = [];

  beforeAll(async () => {
    convo = await chat(sales, "79003334455@c.us", "Long Talk");
    // Laid out from the server's midnight, so that the page boundaries (69|70, 19|20) never straddle a day and the
    // first page always holds yesterday and today, whatever the time of day: 0..118 every 20 minutes up to 23:00
    // yesterday, 119 now.
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const at = (i: number) =>
      i === 119 ? new Date() : new Date(midnight.getTime() - 3_600_000 - (118 - i) * 20 * 60_000);
    for (let i = 0; i < 120; i++) {
      ids.push(
        await message({
          chatId: convo,
          instanceId: sales,
          text: `line ${i}`,
          sentAt: at(i),
          direction: i % 3 ? "in" : "out",
          via: i % 3 ? "whatsapp" : "web",
          senderName: i % 3 ? "Carol" : "Anna Manager",
          status: i % 3 ? null : "read",
        }),
      );
    }
  });

  const lines = (page: string) =>
    [...page.matchAll(/class="msg-text" dir="auto">line (\d+)</g)].map((m) => Number(m[1]));

  test("opens with the newest 50 messages, oldest first, grouped under day separators, and a live message list", async () => {
    const page = await html(await anna.get(`/instances/${sales}/chats/${convo}`));
    expect(lines(page)).toEqual(Array.from({ length: 50 }, (_, i) => 70 + i));
    expect(page).toContain(`<ol id="msgs-${convo}" class="messages"`);
    expect(page).toContain('aria-live="polite"');
    expect(page).toContain(`sse-swap="msgs.${convo},msg.${convo}"`);
    expect(page).toContain(`hx-get="/instances/${sales}/chats/${convo}/messages?before=${ids[70]}"`);
    expect(page).toContain('hx-trigger="click, intersect once"');
    expect(page).toContain(">Today<");
    expect(page).toContain(">Yesterday<");
    expect(page.match(/class="day"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(page).toContain('class="ticks ticks-read"');
    expect(page).toContain('<p class="msg-sender">Anna Manager</p>');
    expect(page).toContain("<title>Long Talk · GreenInbox</title>");
  });

  test("scrolling up loads older pages by keyset until the start; a day continuing across pages keeps one separator", async () => {
    let before = ids[70];
    const seen: number[] = [];
    let last = "";
    while (before) {
      last = await html(await anna.get(`/instances/${sales}/chats/${convo}/messages?before=${before}`, HX));
      seen.unshift(...lines(last));
      before = Number(/messages\?before=(\d+)"/.exec(last)?.[1]) || undefined;
      if (before) expect(last).not.toContain("This is the start of the conversation.");
      // The separator of the day already on the page leaves when the older page continues that day.
      expect(last).toMatch(/<li id="day-\d{4}-\d\d-\d\d" class="day" hx-swap-oob="delete">/);
    }
    expect(last).toContain("This is the start of the conversation.");
    expect(seen).toEqual(Array.from({ length: 70 }, (_, i) => i));
  });

  test("a bubble shows who sent it, the quote, reactions, edits, deletions, ticks and failures", async () => {
    const c = await chat(sales, "79007778899@c.us", "Rich Chat");
    const quoted = await message({ chatId: c, instanceId: sales, idMessage: "QUOTED1", text: "Original question" });
    await app.deps.db.insert(reactions).values([
      { messageId: quoted, reactor: "a@c.us", emoji: "👍" },
      { messageId: quoted, reactor: "b@c.us", emoji: "👍" },
    ]);
    await message({
      chatId: c,
      instanceId: sales,
      direction: "out",
      via: "telegram",
      senderName: "Tanya",
      status: "delivered",
      quotedIdMessage: "QUOTED1",
      text: "Answer from Telegram",
    });
    await message({
      chatId: c,
      instanceId: sales,
      direction: "out",
      via: "phone",
      status: "sent",
      text: "typed on the phone",
    });
    await message({ chatId: c, instanceId: sales, text: "fixed text", editedAt: new Date() });
    await message({ chatId: c, instanceId: sales, text: "regrettable", deletedAt: new Date() });
    await message({
      chatId: c,
      instanceId: sales,
      direction: "out",
      via: "web",
      senderName: "Anna Manager",
      status: "failed",
      failReason: "instance is not authorized",
      idMessage: null,
      text: "did not go",
    });
    await message({
      chatId: c,
      instanceId: sales,
      direction: "out",
      via: "web",
      senderName: "Anna Manager",
      status: "queued",
      idMessage: null,
      text: "waiting",
    });
    await message({
      chatId: c,
      instanceId: sales,
      direction: "system",
      type: "incomingCall",
      text: "📞 Incoming call — missed",
    });
    await message({
      chatId: c,
      instanceId: sales,
      type: "imageMessage",
      text: "photo caption",
      media: { kind: "image", state: "pending", thumbnail: "abc" },
    });
    await message({
      chatId: c,
      instanceId: sales,
      type: "documentMessage",
      text: null,
      media: { kind: "document", state: "ready", fileName: "invoice.pdf", size: 1_250_000, sha256: "0".repeat(64) },
    });
    await message({
      chatId: c,
      instanceId: sales,
      type: "audioMessage",
      text: null,
      media: { kind: "voice", state: "failed", error: "the media server could not be reached" },
    });
    const page = await html(await anna.get(`/instances/${sales}/chats/${c}`));
    expect(page).toContain("Tanya via Telegram");
    expect(page).toContain("from the phone");
    expect(page).toMatch(/class="quote quote-in"><b>Rich Chat<\/b><span>Original question<\/span>/);
    expect(page).toMatch(/<ul class="reactions" aria-label="Reactions"><li>👍<span>2<\/span><\/li><\/ul>/);
    expect(page).toMatch(/class="edited">edited</);
    expect(page).toContain("This message was deleted");
    expect(page).not.toContain("regrettable");
    expect(page).toContain('class="ticks ticks-delivered"');
    expect(page).toContain('class="ticks ticks-sent"');
    expect(page).toContain('class="ticks ticks-pending" role="img" aria-label="Waiting to be sent"');
    expect(page).toContain("Not sent: instance is not authorized");
    expect(page).toMatch(/hx-post="\/instances\/\d+\/chats\/\d+\/messages\/\d+\/resend"/);
    expect(page).toContain('class="system-line">📞 Incoming call — missed');
    expect(page).toMatch(/<img class="media-thumb" src="\/instances\/\d+\/media\/\d+\/thumb"/);
    expect(page).toContain("Downloading…");
    expect(page).toMatch(/<a class="media media-doc" href="\/instances\/\d+\/media\/\d+" download="invoice.pdf"/);
    expect(page).toContain("1.3 MB");
    expect(page).toMatch(
      /The file could not be downloaded: the media server could not be reached <button[^>]*hx-post="\/instances\/\d+\/media\/\d+\/retry"/,
    );
    expect(page).toContain('data-reply="QUOTED1"');
    // Admins still see what was deleted.
    const forAdmin = await html(await admin.get(`/instances/${sales}/chats/${c}`));
    expect(forAdmin).toContain("regrettable");
    expect(forAdmin).toContain("only admins see the text");
  });

  test("a chat of another instance is 404 under this instance's URL", async () => {
    expect((await admin.get(`/instances/${support}/chats/${convo}`)).status).toBe(404);
    expect((await admin.get(`/instances/${sales}/chats/${supportChat}`)).status).toBe(404);
  });

  test("ids beyond any row are 404, not a database error, on every route under a chat", async () => {
    const huge = "99999999999999999999";
    expect((await admin.get(`/instances/${sales}/chats/${huge}`)).status).toBe(404);
    expect((await admin.get(`/instances/${sales}/chats/${huge}/messages`)).status).toBe(404);
    expect((await admin.get(`/instances/${sales}/chats/${convo}/messages/${huge}`)).status).toBe(404);
    expect((await admin.post(`/instances/${sales}/chats/${convo}/messages/${huge}/resend`, {})).status).toBe(404);
    expect((await admin.get(`/instances/${sales}/media/${huge}`)).status).toBe(404);
    expect((await admin.get(`/instances/${sales}/chats/${convo}/messages?before=x`)).status).toBe(400);
  });

  test("searching beside an open conversation keeps its address: results come from the conversation URL", async () => {
    const results = await html(
      await anna.get(`/instances/${sales}/chats/${convo}?q=carol`, { ...HX, "hx-target": "chat-results" }),
    );
    expect(results).toStartWith('<ul id="chat-list"');
    expect(results).toContain("Customer Carol");
    expect(results).not.toContain("Long Talk");
    const page = await html(await anna.get(`/instances/${sales}/chats/${convo}?q=carol`));
    expect(page).toContain(`hx-get="/instances/${sales}/chats/${convo}" hx-target="#chat-results" hx-push-url="true"`);
    expect(page).toContain('value="carol"');
    expect(page).toContain('id="chat-title">Long Talk<');
  });

  test("htmx asking for the pane gets only the pane, with its title", async () => {
    const pane = await html(await anna.get(`/instances/${sales}/chats/${convo}`, { ...HX, "hx-target": "chat-pane" }));
    expect(pane).toStartWith('<title>Long Talk · GreenInbox</title><section id="chat-pane"');
    expect(pane).not.toContain("chat-list");
  });
});
