// Messages that are not text (location, contact, poll) over HTTP: with DEFAULT_LOCALE=en, a Russian reader sees our
// labels in Russian in the chat list, the search match, the bubbles and the quote strip; the customer's words as sent.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chats, messages, users } from "../../src/db/schema/index.ts";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { waitFor } from "../support/wait.ts";

const CUSTOMER = "79001112234@c.us";
const VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL;type=CELL;waid=79005550011:+79005550011\r\nEND:VCARD";

let app: TestApp;
let instanceId: number;
let idInstance: number;
let en: Agent;
let ru: Agent;

beforeAll(async () => {
  ({ app, instanceId, idInstance } = await startAppWithInstance("Sales"));
  await app.deps.users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  const boris = await app.deps.users.create({ username: "boris", password: "password-1", isAdmin: true });
  await app.deps.db.update(users).set({ locale: "ru" }).where(eq(users.id, boris.id));
  en = new Agent(app.url);
  ru = new Agent(app.url);
  expect((await en.login("admin", "password-1")).status).toBe(303);
  expect((await ru.login("boris", "password-1")).status).toBe(303);
  const messageData = [
    {
      typeMessage: "locationMessage",
      locationMessageData: { latitude: 55.75, longitude: 37.61, nameLocation: "Main Office", address: "Tverskaya 1" },
    },
    { typeMessage: "contactMessage", contactMessageData: { displayName: "Ann Lee", vcard: VCARD } },
    {
      typeMessage: "quotedMessage",
      extendedTextMessageData: { text: "Is it here?", stanzaId: "L1", participant: CUSTOMER },
      quotedMessage: { stanzaId: "L1", participant: CUSTOMER, typeMessage: "locationMessage" },
    },
    {
      typeMessage: "pollMessage",
      pollMessageData: {
        name: "Lunch?",
        multipleAnswers: false,
        options: [{ optionName: "yes" }, { optionName: "no" }],
      },
    },
  ];
  for (const [i, data] of messageData.entries()) {
    const body = {
      ...REFERENCE_ENVELOPE,
      instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
      timestamp: Math.floor(Date.now() / 1000) + i,
      idMessage: ["L1", "C1", "R1", "P1"][i],
      senderData: { chatId: CUSTOMER, chatName: "Carol", sender: CUSTOMER, senderName: "Carol", senderContactName: "" },
      messageData: data,
    };
    expect((await app.deps.intake.accept(instanceId, idInstance, body, "webhook")).ok).toBe(true);
  }
  await waitFor(() =>
    app.deps.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.idMessage, "P1"))
      .then((r) => r.length > 0),
  );
}, 30_000);
afterAll(() => app?.stop());

const previewIn = (html: string) => /class="chat-preview"[^>]*>([^<]*)</.exec(html)?.[1];
const texts = (html: string) => [...html.matchAll(/class="msg-text"[^>]*>([^<]*)</g)].map((m) => m[1]);
const quoteIn = (html: string) => /class="quote quote-in"><b>[^<]*<\/b><span>([^<]*)</.exec(html)?.[1];

test("stored text stays the default language (search finds it); the label is kept as a code", async () => {
  const [row] = await app.deps.db.select().from(messages).where(eq(messages.idMessage, "P1"));
  expect(row!.text).toBe("📊 Poll: Lunch? (yes / no)");
  expect(row!.event).toEqual({ key: "msg.poll", params: { name: "Lunch?", options: "yes / no" } });
});

test("a Russian reader sees Russian labels and the customer's words unchanged; an English one English", async () => {
  expect(previewIn(await (await ru.get("/chats")).text())).toBe("📊 Опрос: Lunch? (yes / no)");
  expect(previewIn(await (await en.get("/chats")).text())).toBe("📊 Poll: Lunch? (yes / no)");
  // The search match too (found by the stored default-language text, shown in the reader's language).
  expect(previewIn(await (await ru.get("/chats?q=Tverskaya")).text())).toBe(
    "📍 Местоположение: 55.75, 37.61 — Main Office, Tverskaya 1",
  );

  const [chat] = await app.deps.db.select({ id: chats.id }).from(chats).where(eq(chats.waChatId, CUSTOMER));
  const page = await (await ru.get(`/instances/${instanceId}/chats/${chat!.id}`)).text();
  expect(texts(page)).toEqual([
    "📍 Местоположение: 55.75, 37.61 — Main Office, Tverskaya 1",
    "👤 Контакт: Ann Lee, +79005550011",
    "Is it here?",
    "📊 Опрос: Lunch? (yes / no)",
  ]);
  expect(quoteIn(page)).toBe("📍 Местоположение: 55.75, 37.61 — Main Office, Tverskaya 1");
  expect(page).not.toMatch(/Location:|Contact:|Poll:/);

  const english = await (await en.get(`/instances/${instanceId}/chats/${chat!.id}`)).text();
  expect(texts(english)[1]).toBe("👤 Contact: Ann Lee, +79005550011");
  expect(quoteIn(english)).toBe("📍 Location: 55.75, 37.61 — Main Office, Tverskaya 1");
});
