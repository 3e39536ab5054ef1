// The chat list's preview over HTTP and SSE: an auto-reply never hides the customer's question, and a message the
// customer deletes turns into the "deleted" wording (in the reader's language) live and after a reload.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { instances, messages, users } from "../../src/db/schema/index.ts";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { openStream } from "../security/sse.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { waitFor } from "../support/wait.ts";

const AUTO = "Thanks for writing! We answer within working hours.";
const QUESTION = "Do you deliver to Podolsk?";
const CUSTOMER = "79001112233@c.us";

let app: TestApp;
let instanceId: number;
let idInstance: number;
let en: Agent;
let ru: Agent;

beforeAll(async () => {
  ({ app, instanceId, idInstance } = await startAppWithInstance("Sales"));
  await app.deps.db
    .update(instances)
    .set({ autoReplyEnabled: true, autoReplyText: AUTO, autoReplyIntervalHours: 12 })
    .where(eq(instances.id, instanceId));
  await app.deps.users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  const boris = await app.deps.users.create({
    username: "boris",
    displayName: "Борис",
    password: "password-1",
    isAdmin: true,
  });
  await app.deps.db.update(users).set({ locale: "ru" }).where(eq(users.id, boris.id));
  en = new Agent(app.url);
  ru = new Agent(app.url);
  expect((await en.login("admin", "password-1")).status).toBe(303);
  expect((await ru.login("boris", "password-1")).status).toBe(303);
}, 30_000);
afterAll(() => app?.stop());

/** A customer's notification through the intake, as a webhook brings it. */
async function customer(idMessage: string, messageData: object): Promise<void> {
  const body = {
    ...REFERENCE_ENVELOPE,
    instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage,
    senderData: { chatId: CUSTOMER, chatName: "Carol", sender: CUSTOMER, senderName: "Carol", senderContactName: "" },
    messageData,
  };
  expect((await app.deps.intake.accept(instanceId, idInstance, body, "webhook")).ok).toBe(true);
}

/** The preview of Carol's row in a page or an SSE frame. */
const previewIn = (html: string) => /class="chat-preview"[^>]*>([^<]*)</.exec(html)?.[1];
const lastRowFrame = (text: string) => {
  const frames = text.split("\n\n").filter((f) => f.includes('class="chat-row') && f.includes("Carol"));
  return frames.at(-1) ?? "";
};

test("the auto-reply does not become the preview: the customer's question stays there, live and on reload", async () => {
  const stream = await openStream(en);
  try {
    await customer("Q1", { typeMessage: "textMessage", textMessageData: { textMessage: QUESTION } });
    // The auto-reply was queued with the question (the same transaction): it is the chat's newest message.
    const [auto] = await waitFor(() =>
      app.deps.db
        .select()
        .from(messages)
        .where(eq(messages.via, "auto"))
        .then((r) => r.length > 0 && r),
    );
    expect(auto!.text).toBe(AUTO);
    await stream.until(/class="chat-preview"/);
    expect(previewIn(lastRowFrame(stream.text))).toBe(QUESTION);
  } finally {
    await stream.close();
  }
  const list = await (await en.get("/chats")).text();
  expect(previewIn(list)).toBe(QUESTION);
});

test("a deleted preview turns into the deleted wording live (each reader's language) and after a reload", async () => {
  const streams = [await openStream(en), await openStream(ru)];
  try {
    await customer("D1", { typeMessage: "deletedMessage", deletedMessageData: { stanzaId: "Q1" } });
    await streams[0]!.until(/class="chat-preview"[^>]*>This message was deleted</);
    await streams[1]!.until(/class="chat-preview"[^>]*>Сообщение удалено</);
  } finally {
    for (const s of streams) await s.close();
  }
  expect(previewIn(await (await en.get("/chats")).text())).toBe("This message was deleted");
  expect(previewIn(await (await ru.get("/chats")).text())).toBe("Сообщение удалено");
});
