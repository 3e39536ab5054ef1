// Sending from the web inbox over HTTP (htmx fragments, idempotency, replies, files, resend), the gate, and live SSE fragments.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chats, messages } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let sales: number;
let support: number;
let salesChat: number;
let supportChat: number;
let anna: Agent;
let boris: Agent;
let outsider: Agent;
const HX = { "hx-request": "true" };
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

async function login(name: string, headers: Record<string, string> = {}): Promise<Agent> {
  const agent = new Agent(app.url, headers);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

async function chat(instanceId: number, waChatId: string, name: string): Promise<number> {
  const [row] = await app.deps.db
    .insert(chats)
    .values({ instanceId, waChatId, name, lastMessageAt: new Date() })
    .returning({ id: chats.id });
  return row!.id;
}

async function incoming(
  chatId: number,
  instanceId: number,
  text: string,
  idMessage: string = crypto.randomUUID(),
): Promise<number> {
  const [row] = await app.deps.db
    .insert(messages)
    .values({ chatId, instanceId, direction: "in", type: "textMessage", via: "whatsapp", text, idMessage })
    .returning({ id: messages.id });
  await app.deps.db.update(chats).set({ lastMessageAt: new Date() }).where(eq(chats.id, chatId));
  return row!.id;
}

/** A multipart post the way htmx sends the file form (CSRF in the header). */
function upload(agent: Agent, path: string, fields: Record<string, string | Blob>): Promise<Response> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v as string);
  return agent.request(path, {
    method: "POST",
    body,
    headers: { ...HX, origin: app.url, "x-csrf-token": agent.cookies.get("gi_csrf")! },
  });
}

const rowOf = async (id: number) => (await app.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { db, users } = app.deps;
  sales = await insertInstance(db, "Sales");
  support = await insertInstance(db, "Support");
  const a = await users.create({ username: "anna", displayName: "Anna Manager", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris Manager", password: "password-1" });
  await users.create({ username: "outsider", password: "password-1" });
  await grant(db, a.id, sales);
  await grant(db, b.id, sales);
  await grant(db, b.id, support);
  salesChat = await chat(sales, "79001112233@c.us", "Customer Carol");
  supportChat = await chat(support, "79005556677@c.us", "Support Sam");
  await incoming(salesChat, sales, "Hi, is my order ready?", "CUSTOMER1");
  anna = await login("anna");
  boris = await login("boris", { "accept-language": "ru" });
  outsider = await login("outsider");
}, 30_000);
afterAll(() => app.stop());

describe("sending", () => {
  test("htmx gets the new bubble at once, pending, with the sender's name; the same key never sends twice", async () => {
    const path = `/instances/${sales}/chats/${salesChat}/messages`;
    const res = await anna.post(path, { text: "Yes, it ships today", key: "key-12345678" }, { headers: HX });
    const bubble = await res.text();
    expect(res.status).toBe(200);
    expect(bubble).toMatch(/^<li id="m-\d+" class="msg msg-out">/);
    expect(bubble).toContain('<p class="msg-sender">Anna Manager</p>');
    expect(bubble).toContain('class="ticks ticks-pending"');
    expect(bubble).toContain("Yes, it ships today");
    const again = await (
      await anna.post(path, { text: "Yes, it ships today", key: "key-12345678" }, { headers: HX })
    ).text();
    expect(again.match(/id="m-\d+"/)![0]).toBe(bubble.match(/id="m-\d+"/)![0]);
    const rows = await app.deps.db.select().from(messages).where(eq(messages.text, "Yes, it ships today"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "queued", via: "web", senderName: "Anna Manager", direction: "out" });
  });

  test("a reply carries the quoted message id; the bubble shows the quote", async () => {
    const bubble = await (
      await anna.post(
        `/instances/${sales}/chats/${salesChat}/messages`,
        { text: "Answering that", quoted: "CUSTOMER1" },
        { headers: HX },
      )
    ).text();
    expect(bubble).toMatch(/class="quote quote-in"><b>Customer Carol<\/b><span>Hi, is my order ready\?<\/span>/);
    const [row] = await app.deps.db.select().from(messages).where(eq(messages.text, "Answering that"));
    expect(row!.quotedIdMessage).toBe("CUSTOMER1");
  });

  test("an empty message is refused next to the form, in the user's language; API clients get JSON, forms a redirect", async () => {
    const res = await boris.post(`/instances/${sales}/chats/${salesChat}/messages`, { text: "  " }, { headers: HX });
    expect(res.status).toBe(400);
    expect(res.headers.get("hx-retarget")).toBe("#flash");
    expect(await res.text()).toContain("Сначала введите сообщение.");
    const json = await anna.post(
      `/instances/${sales}/chats/${salesChat}/messages`,
      { text: "via API" },
      { headers: { accept: "application/json" } },
    );
    expect(json.status).toBe(201);
    expect(await json.json()).toMatchObject({ chatId: salesChat, created: true });
    const form = await anna.post(`/instances/${sales}/chats/${salesChat}/messages`, { text: "plain form" });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe(`/instances/${sales}/chats/${salesChat}`);
  });

  test("a new chat by number opens in the conversation pane; a bad number is explained", async () => {
    const res = await anna.post(
      `/instances/${sales}/messages`,
      { to: "+7 900 000-11-22", text: "Hello!" },
      { headers: HX },
    );
    expect(res.status).toBe(200);
    const location = JSON.parse(res.headers.get("hx-location")!);
    const [created] = await app.deps.db.select().from(chats).where(eq(chats.waChatId, "79000001122@c.us"));
    expect(location).toEqual({
      path: `/instances/${sales}/chats/${created!.id}`,
      target: "#chat-pane",
      swap: "outerHTML",
    });
    const bad = await anna.post(`/instances/${sales}/messages`, { to: "12", text: "Hello!" }, { headers: HX });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Enter a phone number with the country code");
  });

  test("a file is stored and queued for sendFileByUpload; its bubble shows the image from the media route", async () => {
    const res = await upload(anna, `/instances/${sales}/chats/${salesChat}/files`, {
      file: new File([PNG], "dot.png", { type: "image/png" }),
      caption: "the dot",
      key: "file-key-0001",
    });
    const bubble = await res.text();
    expect(res.status).toBe(200);
    const id = Number(/id="m-(\d+)"/.exec(bubble)![1]);
    expect(bubble).toContain(`<img src="/instances/${sales}/media/${id}" alt="the dot"`);
    const row = await rowOf(id);
    expect(row).toMatchObject({ type: "imageMessage", text: "the dot", status: "queued" });
    expect(row.media).toMatchObject({
      kind: "image",
      state: "ready",
      fileName: "dot.png",
      mimeType: "image/png",
      size: PNG.length,
    });
    expect(await app.deps.media.store.file(row.media!.sha256!)).not.toBeNull();
    const missing = await upload(anna, `/instances/${sales}/chats/${salesChat}/files`, { caption: "no file" });
    expect(missing.status).toBe(400);
    expect(missing.headers.get("hx-retarget")).toBe("#attach-error");
    expect(await missing.text()).toBe("Choose a file to send.");
  });

  test("a failed send can be sent again: back in the queue, without its old error", async () => {
    const { id } = await app.deps.outbox.enqueue({
      instanceId: sales,
      waChatId: "79001112233@c.us",
      text: "try me",
      idempotencyKey: "resend-1",
      via: "web",
    });
    await app.deps.db
      .update(messages)
      .set({ status: "failed", failReason: "instance is not authorized" })
      .where(eq(messages.id, id));
    const res = await anna.post(`/instances/${sales}/chats/${salesChat}/messages/${id}/resend`, {}, { headers: HX });
    const bubble = await res.text();
    expect(res.status).toBe(200);
    expect(bubble).toContain('class="ticks ticks-pending"');
    expect(bubble).not.toContain("Not sent");
    expect(await rowOf(id)).toMatchObject({ status: "queued", failReason: null, attempts: 0 });
    // One Green-API never confirmed too, once the user checked the phone (the bubble says to).
    await app.deps.db.update(messages).set({ status: "unknown" }).where(eq(messages.id, id));
    const unconfirmed = await (await anna.get(`/instances/${sales}/chats/${salesChat}`)).text();
    expect(unconfirmed).toContain("Check the phone before sending it again.");
    expect(unconfirmed).toContain(`messages/${id}/resend`);
    await anna.post(`/instances/${sales}/chats/${salesChat}/messages/${id}/resend`, {}, { headers: HX });
    expect(await rowOf(id)).toMatchObject({ status: "queued" });
    // Only failed or unconfirmed sends are put back.
    const received = await incoming(salesChat, sales, "not mine");
    await anna.post(`/instances/${sales}/chats/${salesChat}/messages/${received}/resend`, {}, { headers: HX });
    expect((await rowOf(received)).status).toBeNull();
  });
});

describe("the gate on conversations and sends", () => {
  test("users without access get 404 everywhere and nothing is stored", async () => {
    const before = (await app.deps.db.select().from(messages)).length;
    const cases: [Agent, number, number][] = [
      [outsider, sales, salesChat],
      [anna, support, supportChat],
    ];
    for (const [agent, instance, chatId] of cases) {
      const base = `/instances/${instance}/chats/${chatId}`;
      expect((await agent.get(base)).status).toBe(404);
      expect((await agent.get(`${base}/messages?before=1`, HX)).status).toBe(404);
      for (const path of [
        `${base}/messages`,
        `${base}/read`,
        `${base}/messages/1/resend`,
        `/instances/${instance}/messages`,
      ]) {
        expect((await agent.post(path, { text: "sneaky", to: "+79000000000" }, { headers: HX })).status).toBe(404);
      }
      expect(
        (await upload(agent, `${base}/files`, { file: new File([PNG], "x.png", { type: "image/png" }) })).status,
      ).toBe(404);
    }
    expect((await app.deps.db.select().from(messages)).length).toBe(before);
  });
});

/** Reads an SSE stream into text until `until` matches (or a timeout). */
async function listen(agent: Agent) {
  const res = await agent.request("/events");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    async until(pattern: RegExp, ms = 3000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!pattern.test(text)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${pattern} in:\n${text}`);
        const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
        if (chunk && !chunk.done) text += decoder.decode(chunk.value, { stream: true });
      }
      return text;
    },
    get text() {
      return text;
    },
    close: () => reader.cancel(),
  };
}

describe("live updates over SSE", () => {
  test("a new customer message: bubble, moved row with this user's unread count, notification, unread total — per user", async () => {
    const annaStream = await listen(anna);
    const borisStream = await listen(boris);
    const outsiderStream = await listen(outsider);
    try {
      await annaStream.until(/event: unread\ndata: \d+/);
      const messageId = await incoming(salesChat, sales, "Are you there?");
      app.deps.bus.publish({ name: EVENTS.messageCreated, instanceId: sales, data: { messageId, chatId: salesChat } });
      const seen = await annaStream.until(/event: msgs\.[\s\S]*event: unread\ndata: [1-9]\n/);
      expect(seen).toContain(`event: msgs.${salesChat}\ndata: `);
      expect(seen).toContain(`<li id="m-${messageId}" class="msg msg-in">`);
      expect(seen).toMatch(
        new RegExp(`event: chats.all\\ndata: <li id="chat-${salesChat}" class="chat-row has-unread">`),
      );
      expect(seen).toContain(`event: chats.${sales}\n`);
      expect(seen).toMatch(/aria-label="\d+ unread messages?"/);
      const notify = JSON.parse(/event: notify\ndata: (.*)\n/.exec(seen)![1]!);
      expect(notify).toEqual({
        title: "Customer Carol · Sales",
        body: "Are you there?",
        url: `/instances/${sales}/chats/${salesChat}`,
        tag: `chat-${salesChat}`,
      });
      // Boris reads Russian and has his own unread count (he never opened the chat).
      const ru = await borisStream.until(/event: chats.all[\s\S]*?data: <li[\s\S]*непрочитанн/);
      expect(ru).toMatch(/aria-label="\d+ непрочитанн/);
      // A status change replaces the bubble in place.
      app.deps.bus.publish({
        name: EVENTS.messageUpdated,
        instanceId: sales,
        data: { messageId, chatId: salesChat, change: "reaction" },
      });
      expect(
        await annaStream.until(
          new RegExp(`event: msg.${salesChat}\\ndata: <li id="m-${messageId}" class="msg msg-in" hx-swap-oob="true">`),
        ),
      ).toBeTruthy();
      // A message that is gone (folded into another) leaves the page.
      app.deps.bus.publish({
        name: EVENTS.messageUpdated,
        instanceId: sales,
        data: { messageId: 999999, chatId: salesChat, change: "merged" },
      });
      await annaStream.until(/data: <li id="m-999999" hx-swap-oob="delete"><\/li>/);
      // Reading the chat updates this user's row in place and the title count.
      expect((await anna.post(`/instances/${sales}/chats/${salesChat}/read`, {}, { headers: HX })).status).toBe(204);
      const after = await annaStream.until(
        /event: chat\ndata: <li id="chat-\d+" class="chat-row" hx-swap-oob="true">[\s\S]*event: unread\ndata: 0/,
      );
      expect(after).toBeTruthy();
      await Bun.sleep(200);
      expect(outsiderStream.text).not.toContain("msgs.");
      expect(outsiderStream.text).not.toContain("Customer Carol");
    } finally {
      await Promise.all([annaStream.close(), borisStream.close(), outsiderStream.close()]);
    }
  });
});
