// Real-world corpus: every body in test/fixtures/green-api/real/ (sent by the real Green-API, anonymised) goes through the
// real intake by webhook and by polling, and a signed-in admin then sees what each one means.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq, gt, isNotNull } from "drizzle-orm";
import { chats, messages, notifications } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { ALL_WEBHOOKS } from "../fakes/green-api/testkit.ts";
import { waitFor } from "../support/wait.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";

const DIR = join(import.meta.dir, "../fixtures/green-api/real");
/** Stands for the instance's own chat id (the fixture's own number is rewritten to the test instance's). */
const OWN = "OWN";
/** How long one expectation may take to come true (media goes through downloadFile first). */
const WAIT_MS = 10_000;

/** A message the app must already know before the fixture makes sense (the target of a status, edit or reaction). */
interface Seed {
  direction: "in" | "api";
  chat: string;
  idMessage: string;
  text: string;
}

type Expectation =
  /** A chat with this canonical id exists and its conversation shows these strings (message, call line, effect). */
  | { kind: "chat"; chat: string; shows: string[]; seed?: Seed; file?: { mimeType: string; base64: string } }
  /** The message with this idMessage (in this instance) has this status. */
  | { kind: "status"; idMessage: string; status: string; seed?: Seed }
  /** The instance's card shows these strings. */
  | { kind: "instance"; shows: string[] };

const JPEG =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=";
const WEBP = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
const TEXT = Buffer.from("corpus file\n").toString("base64");
const PDF = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");

/** What each real body must lead to, in the order they are fed (the state change last: it takes the number offline). */
const EXPECT: Record<string, Expectation> = {
  "001-text-ext-ar-no-contactname": { kind: "chat", chat: "5498263321540@c.us", shows: ["hello", "Lora"] },
  "002-text-ext-cyrillic-names": { kind: "chat", chat: "79216416254@c.us", shows: ["Добрый вечер", "Оля Петрова"] },
  "003-poll-hebrew": { kind: "chat", chat: "972509330349@c.us", shows: ["מה שלומך", "טוב", "רע"] },
  "004-document-txt-do-media-7103": {
    kind: "chat",
    chat: "972509330349@c.us",
    shows: ["note 1.txt"],
    file: { mimeType: "text/plain", base64: TEXT },
  },
  "005-call-pickup": { kind: "chat", chat: "972509330349@c.us", shows: ["📞 Incoming call — answered"] },
  "006-text-emoji-only-name": { kind: "chat", chat: "972506862158@c.us", shows: ["מה?", "🙂"] },
  "007-image-forwarded-do-media-7105": {
    kind: "chat",
    chat: "972506862158@c.us",
    shows: [],
    file: { mimeType: "image/jpeg", base64: JPEG },
  },
  "008-text-1101-no-contactname": { kind: "chat", chat: "79145742127@c.us", shows: ["Сегодня в 9.15", "Maria"] },
  "009-outgoing-from-phone": { kind: "chat", chat: "79145742127@c.us", shows: ["Да"] },
  "010-status-sent-phone-message": { kind: "status", idMessage: "62AD2BE6821BC5885722762733D932A2", status: "sent" },
  "011-status-delivered-phone-message": {
    kind: "status",
    idMessage: "62AD2BE6821BC5885722762733D932A2",
    status: "delivered",
  },
  "012-text-7107-ng": { kind: "chat", chat: "2343501442939@c.us", shows: ["Hello", "Chidinma"] },
  "013-status-read-device-suffix": {
    kind: "status",
    idMessage: "BAE51D958E0C9141",
    status: "read",
    seed: { direction: "api", chat: "71148983372@c.us", idMessage: "BAE51D958E0C9141", text: "Seed sent by API" },
  },
  "014-outgoing-no-sender-no-wid": {
    kind: "chat",
    chat: "79359179235@c.us",
    shows: ["У Вас есть вопросы по заказу ?"],
  },
  "015-outgoing-phone-self-chat": { kind: "chat", chat: OWN, shows: ["Hello"] },
  "016-status-sent-self-chat": { kind: "status", idMessage: "3A9C2614287705033638", status: "sent" },
  "017-outgoing-api-self-chat-ext": { kind: "chat", chat: OWN, shows: ["Hello World"] },
  "018-status-sent-api-self-chat": { kind: "status", idMessage: "BAE5878521A87822", status: "sent" },
  "019-text-business-3ae5": { kind: "chat", chat: "12132461689@c.us", shows: ["Hello World", "Daniel"] },
  "020-outgoing-phone-business": { kind: "chat", chat: "12132461689@c.us", shows: ["ok checking"] },
  "021-outgoing-api-contactname": { kind: "chat", chat: "375451788294@c.us", shows: ["здрасте"] },
  "022-text-cyrillic-contactname": { kind: "chat", chat: "375451788294@c.us", shows: ["Hello", "Pavel Orlov"] },
  "023-text-1103-contactname": { kind: "chat", chat: "79162398190@c.us", shows: ["Ага", "Sofia"] },
  "024-text-ext-1103": { kind: "chat", chat: "79162398190@c.us", shows: ["jk"] },
  "025-status-noaccount-unknown-message": {
    kind: "status",
    idMessage: "BAE5516998F81820",
    status: "failed",
    seed: {
      direction: "api",
      chat: "79993160101@c.us",
      idMessage: "BAE5516998F81820",
      text: "Seed to a number without WhatsApp",
    },
  },
  "026-group-outgoing-api-ext": {
    kind: "chat",
    chat: "120363245259635073@g.us",
    shows: ["Общая рабочая группа", "Пробный текст"],
  },
  "027-group-outgoing-api-quoted": { kind: "chat", chat: "120363245259635073@g.us", shows: ["Пробный текст"] },
  "028-deleted-message": {
    kind: "chat",
    chat: "71213827330@c.us",
    shows: ["This message was deleted"],
    seed: {
      direction: "in",
      chat: "71213827330@c.us",
      idMessage: "845178570E276083019269959C018137",
      text: "Seed to be deleted",
    },
  },
  "029-edited-message-nonhex-id": {
    kind: "chat",
    chat: "71273398120@c.us",
    shows: ["Edited message"],
    seed: {
      direction: "in",
      chat: "71273398120@c.us",
      idMessage: "3PEAA5B639F93029C804",
      text: "Seed before the edit",
    },
  },
  "030-document-swe002-no-url": {
    kind: "chat",
    chat: "71203496387@c.us",
    shows: ["Annual Report and the Supplier's Price List.pdf"],
    file: { mimeType: "application/pdf", base64: PDF },
  },
  "031-quota-exceeded-no-timestamp": {
    kind: "instance",
    shows: ["Green-API's monthly quota is used up", "10095423347@c.us"],
  },
  "032-call-without-status": { kind: "chat", chat: "79062691323@c.us", shows: ["📞 Incoming call"] },
  "033-status-noaccount-without-chatid": {
    kind: "status",
    idMessage: "3EB09477185234328045",
    status: "failed",
    seed: {
      direction: "api",
      chat: "79001230033@c.us",
      idMessage: "3EB09477185234328045",
      text: "Seed whose status comes without chatId",
    },
  },
  "035-reaction": {
    kind: "chat",
    chat: "79038984078@c.us",
    shows: ["👍"],
    seed: {
      direction: "in",
      chat: "79038984078@c.us",
      idMessage: "A160876016B148661579B30DC7C08F9E",
      text: "Seed to react to",
    },
  },
  "036-sticker-animated-quoted": {
    kind: "chat",
    chat: "79021771573@c.us",
    shows: [],
    file: { mimeType: "image/webp", base64: WEBP },
  },
  "034-state-not-authorized": { kind: "instance", shows: ["Not connected"] },
};

const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -5))
  .sort();

interface Rig {
  mode: "webhook" | "polling";
  id: number;
  idInstance: number;
  wid: string;
}

let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;
const dataDir = mkdtempSync(join(tmpdir(), "gi-corpus-"));
const WEBHOOK_TOKEN = "r".repeat(24);
const rigs: Record<Rig["mode"], Rig> = {
  webhook: { mode: "webhook", id: 0, idInstance: 7103990001, wid: "79990000101@c.us" },
  polling: { mode: "polling", id: 0, idInstance: 7103990002, wid: "79990000102@c.us" },
};

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { maxReceiveWaitMs: 200, statusStepMs: 5, sendDelayMs: 1 } });
  app = await startTestApp({ DATA_DIR: dataDir, POLL_TIMEOUT_SECONDS: "5" });
  for (const rig of Object.values(rigs)) {
    const apiTokenInstance = `${"c".repeat(40)}${rig.idInstance}`;
    fake.control.createInstance({
      idInstance: rig.idInstance,
      apiTokenInstance,
      state: "authorized",
      phone: rig.wid.split("@")[0],
      settings: ALL_WEBHOOKS,
    });
    const row = await insertFakeInstance(app.deps.db, fake, {
      name: `Corpus ${rig.mode}`,
      idInstance: rig.idInstance,
      apiToken: apiTokenInstance,
      webhookToken: WEBHOOK_TOKEN,
      intakeMode: rig.mode,
      wid: rig.wid,
    });
    rig.id = row!.id;
  }
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
  await app.deps.media.start();
  app.deps.poller.start((await app.deps.instances.getRow(rigs.polling.id))!);
}, 30_000);

afterAll(async () => {
  await app.deps.poller.stopAll();
  await app.deps.media.stop();
  await app.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The fixture as this instance would get it: its idInstance, and its own number wherever the fixture's own number was. */
function forInstance(raw: Record<string, unknown>, rig: Rig): Record<string, unknown> {
  const data = raw.instanceData as { wid?: string } | undefined;
  let text = JSON.stringify(raw);
  if (data?.wid) text = text.replaceAll(`"${data.wid.split("@")[0]}@`, `"${rig.wid.split("@")[0]}@`);
  const body = JSON.parse(text) as { instanceData?: Record<string, unknown> };
  if (body.instanceData && "idInstance" in body.instanceData) body.instanceData.idInstance = rig.idInstance;
  return body;
}

function seedBody(seed: Seed, rig: Rig): Record<string, unknown> {
  const incoming = seed.direction === "in";
  return {
    typeWebhook: incoming ? "incomingMessageReceived" : "outgoingAPIMessageReceived",
    instanceData: { idInstance: rig.idInstance, wid: rig.wid, typeInstance: "whatsapp" },
    timestamp: 1_500_000_000,
    idMessage: seed.idMessage,
    senderData: {
      chatId: seed.chat,
      chatName: "",
      sender: incoming ? seed.chat : rig.wid,
      senderName: "",
      senderContactName: "",
    },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: seed.text } },
  };
}

/** Delivers one body the way the rig receives: POSTed to the webhook route, or queued at the fake for the poller. */
async function deliver(
  rig: Rig,
  body: Record<string, unknown>,
  file?: { mimeType: string; base64: string },
): Promise<void> {
  // The fake's journal learns the message (downloadFile answers for it); the polling rig's queue gets the body too.
  fake.control.injectRaw(rig.idInstance, body, file);
  if (rig.mode === "polling") {
    await waitFor(() => fake.control.inspect(rig.idInstance).pendingNotifications === 0, WAIT_MS);
    return;
  }
  const res = await fetch(`${app.url}/webhooks/green-api/${rig.id}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

async function chatRow(rig: Rig, waChatId: string) {
  const [row] = await app.deps.db
    .select()
    .from(chats)
    .where(and(eq(chats.instanceId, rig.id), eq(chats.waChatId, waChatId === OWN ? rig.wid : waChatId)));
  return row;
}

async function messageRow(rig: Rig, idMessage: string) {
  const [row] = await app.deps.db
    .select({ id: messages.id, status: messages.status, media: messages.media })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(and(eq(chats.instanceId, rig.id), eq(messages.idMessage, idMessage)));
  return row;
}

/** The conversation pane of a chat as the admin gets it (header and messages, without the chat list beside it). */
async function conversation(rig: Rig, chatId: number): Promise<string> {
  const res = await admin.get(`/instances/${rig.id}/chats/${chatId}`);
  const html = await res.text();
  if (res.status !== 200) return `HTTP ${res.status}`;
  const start = html.indexOf('id="chat-pane"');
  return start < 0 ? "" : html.slice(start, html.indexOf("inbox:seen from:body", start));
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** downloadFile calls the fake answered for this rig so far. */
const downloads = (rig: Rig) =>
  fake.control.requests(rig.idInstance).filter((r) => r.method === "downloadFile" && r.status === 200).length;

async function expectChat(rig: Rig, e: Extract<Expectation, { kind: "chat" }>, downloadsBefore: number): Promise<void> {
  await waitFor(
    async () => {
      const chat = await chatRow(rig, e.chat);
      expect(chat, `chat ${e.chat}`).toBeDefined();
      const pane = await conversation(rig, chat!.id);
      for (const s of e.shows) expect(pane).toContain(escapeHtml(s));
      if (e.file) {
        // Its own URL (a real storage host, unreachable here, or no URL at all) fails: the file comes via downloadFile.
        expect(downloads(rig), "downloadFile answered").toBeGreaterThan(downloadsBefore);
        const [file] = await app.deps.db
          .select({ id: messages.id, media: messages.media })
          .from(messages)
          .where(and(eq(messages.chatId, chat!.id), isNotNull(messages.media)))
          .orderBy(desc(messages.id))
          .limit(1);
        expect(file?.media?.state, "media state").toBe("ready");
        expect(pane).toContain(`/instances/${rig.id}/media/${file!.id}`);
      }
    },
    { timeout: WAIT_MS, assertion: true },
  );
}

async function expectStatus(rig: Rig, e: Extract<Expectation, { kind: "status" }>): Promise<void> {
  await waitFor(
    async () => {
      const row = await messageRow(rig, e.idMessage);
      expect(row, `message ${e.idMessage}`).toBeDefined();
      expect(row!.status as string | null).toBe(e.status);
    },
    { timeout: WAIT_MS, assertion: true },
  );
}

async function expectInstance(rig: Rig, e: Extract<Expectation, { kind: "instance" }>): Promise<void> {
  await waitFor(
    async () => {
      const html = await (await admin.get(`/instances/${rig.id}/card`)).text();
      for (const s of e.shows) expect(html).toContain(escapeHtml(s));
    },
    { timeout: WAIT_MS, assertion: true },
  );
}

test("every fixture has an expectation and every expectation a fixture", () => {
  expect(Object.keys(EXPECT).sort()).toEqual(FIXTURES);
  expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
});

for (const mode of ["webhook", "polling"] as const) {
  describe(`real bodies by ${mode}`, () => {
    for (const [name, e] of Object.entries(EXPECT)) {
      test(name, async () => {
        const rig = rigs[mode];
        const raw = JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as Record<string, unknown>;
        if (e.kind !== "instance" && e.seed) {
          await deliver(rig, seedBody(e.seed, rig));
          await waitFor(async () => (await messageRow(rig, e.seed!.idMessage)) ?? null, WAIT_MS);
        }
        const downloadsBefore = downloads(rig);
        const [last] = await app.deps.db
          .select({ id: notifications.id })
          .from(notifications)
          .orderBy(desc(notifications.id))
          .limit(1);
        await deliver(rig, forInstance(raw, rig), e.kind === "chat" ? e.file : undefined);

        // Journaled once and read: neither dropped nor quarantined.
        const journaled = () =>
          app.deps.db
            .select()
            .from(notifications)
            .where(and(eq(notifications.instanceId, rig.id), gt(notifications.id, last?.id ?? 0)));
        await waitFor(async () => (await journaled()).some((r) => r.processedAt || r.quarantinedAt), WAIT_MS).catch(
          () => {},
        );
        const rows = await journaled();
        expect(rows).toHaveLength(1);
        expect(rows[0]!.quarantinedAt, `quarantined: ${rows[0]!.error}`).toBeNull();
        expect(rows[0]!.processedAt).not.toBeNull();

        if (e.kind === "chat") await expectChat(rig, e, downloadsBefore);
        else if (e.kind === "status") await expectStatus(rig, e);
        else await expectInstance(rig, e);
      }, 30_000);
    }
  });
}
