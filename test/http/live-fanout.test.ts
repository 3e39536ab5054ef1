// Live fan-out shares work between streams (bubbles per view, rows and unread totals per user) without sharing what is
// personal: the author's edit/delete, each user's own unread counts, and nothing at all for users without access.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chatReads, chats, messages } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import { coalesce, limiter, memo, scopeKey, stopSharing } from "../../src/live/shared.ts";
import { createEventBus } from "../../src/events/bus.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat, insertInstance } from "../support/fixtures.ts";
import { openStream, type OpenStream } from "../security/sse.ts";

let app: TestApp;
let sales: number;
let other: number;
let chatId: number;
let annaId: number;
let anna: Agent;
let anna2: Agent;
let boris: Agent;
let outsider: Agent;

async function login(name: string): Promise<Agent> {
  const agent = new Agent(app.url);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

async function message(values: Partial<typeof messages.$inferInsert>): Promise<number> {
  const [row] = await app.deps.db
    .insert(messages)
    .values({
      chatId,
      instanceId: sales,
      direction: "in",
      type: "textMessage",
      via: "whatsapp",
      idMessage: crypto.randomUUID(),
      ...values,
    })
    .returning({ id: messages.id });
  await app.deps.db.update(chats).set({ lastMessageAt: new Date() }).where(eq(chats.id, chatId));
  return row!.id;
}

function publishNew(messageId: number) {
  app.deps.bus.publish({ name: EVENTS.messageCreated, instanceId: sales, data: { messageId, chatId } });
  app.deps.bus.publish({ name: EVENTS.chatUpdated, instanceId: sales, data: { chatId } });
}

/** The frames of one event name in a stream's text, in order. */
function frames(text: string, event: string): string[] {
  return [...text.matchAll(new RegExp(`event: ${event.replace(".", "\\.")}\\ndata: (.*)\\n`, "g"))].map((m) => m[1]!);
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { db, users } = app.deps;
  sales = await insertInstance(db, "Sales");
  other = await insertInstance(db, "Other");
  const a = await users.create({ username: "anna", displayName: "Anna Manager", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris Manager", password: "password-1" });
  const o = await users.create({ username: "outsider", password: "password-1" });
  annaId = a.id;
  await grant(db, a.id, sales);
  await grant(db, b.id, sales);
  await grant(db, o.id, other);
  chatId = await insertChat(db, sales, "79001112233@c.us", "Customer Carol");
  anna = await login("anna");
  anna2 = await login("anna");
  boris = await login("boris");
  outsider = await login("outsider");
}, 30_000);
afterAll(() => app.stop());

describe("shared live fan-out", () => {
  test("the author's own message has edit/delete in the author's streams only, whichever stream renders first", async () => {
    // Boris's stream opens first, so it is first to render the shared bubble; then each of Anna's tabs.
    const streams: OpenStream[] = [
      await openStream(boris),
      await openStream(anna),
      await openStream(anna2),
      await openStream(outsider),
    ];
    const [b, a1, a2, out] = streams as [OpenStream, OpenStream, OpenStream, OpenStream];
    try {
      for (const s of streams) await s.until(/event: unread\ndata: \d+/);
      const id = await message({
        direction: "out",
        via: "web",
        senderUserId: annaId,
        senderName: "Anna Manager",
        status: "sent",
        text: "Shipped today",
      });
      publishNew(id);
      for (const s of [b, a1, a2])
        await s.until(new RegExp(`event: msgs\\.${chatId}\\ndata: [^\\n]*m-${id}[\\s\\S]*event: unread`));
      const edit = `messages/${id}/edit`;
      expect(frames(a1.text, `msgs.${chatId}`).join("")).toContain(edit);
      expect(frames(a2.text, `msgs.${chatId}`).join("")).toContain(edit);
      expect(frames(b.text, `msgs.${chatId}`).join("")).toContain(`id="m-${id}"`);
      expect(frames(b.text, `msgs.${chatId}`).join("")).not.toContain(edit);
      // A customer's message: nobody gets edit/delete; both users get the same bubble.
      const incoming = await message({ text: "Thanks!" });
      publishNew(incoming);
      for (const s of [b, a1, a2]) await s.until(new RegExp(`m-${incoming}[\\s\\S]*event: unread\\ndata: [1-9]`));
      const bubbleOf = (s: OpenStream) => frames(s.text, `msgs.${chatId}`).find((f) => f.includes(`m-${incoming}"`));
      expect(bubbleOf(a1)).toBe(bubbleOf(b)!);
      expect(bubbleOf(a1)).not.toContain("/edit");
      await Bun.sleep(200);
      expect(out.text).not.toContain("msgs.");
      expect(out.text).not.toContain("Customer Carol");
      expect(frames(out.text, "unread")).toEqual(["0"]);
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });

  test("each user's rows and unread total are their own; a user's tabs get the same, and one chat update is one row", async () => {
    // Boris has read everything up to now; Anna has not.
    const seen = await message({ text: "Old news" });
    await app.deps.db
      .insert(chatReads)
      .values({
        userId: (await app.deps.users.findByUsername("boris"))!.id,
        chatId,
        lastReadMessageId: seen,
        readAt: new Date(),
      })
      .onConflictDoNothing();
    const streams = [await openStream(anna), await openStream(anna2), await openStream(boris)];
    const [a1, a2, b] = streams as [OpenStream, OpenStream, OpenStream];
    try {
      for (const s of streams) await s.until(/event: unread\ndata: \d+/);
      const id = await message({ text: "New question" });
      publishNew(id);
      for (const s of streams) await s.until(/event: chats\.all\ndata: [\s\S]*event: unread\ndata: \d+\n/);
      await Bun.sleep(300);
      const unreadOf = (s: OpenStream) =>
        /aria-label="(\d+) unread messages?"/.exec(frames(s.text, "chats.all").at(-1)!)?.[1];
      expect(unreadOf(a1)).toBe(unreadOf(a2)!);
      expect(Number(unreadOf(a1))).toBeGreaterThan(1);
      expect(unreadOf(b)).toBe("1");
      // message.created and its chat.updated: the moved row once, not again in place (same data).
      for (const s of streams) expect(frames(s.text, "chats.all")).toHaveLength(1);
      for (const s of streams) expect(frames(s.text, "chat")).toHaveLength(0);
      for (const s of streams) expect(frames(s.text, "unread")).toHaveLength(2);
      // A later chat update (read in another tab) still reaches every tab of that user, in place.
      expect(
        (await anna.post(`/instances/${sales}/chats/${chatId}/read`, {}, { headers: { "hx-request": "true" } })).status,
      ).toBe(204);
      for (const s of [a1, a2])
        await s.until(
          /event: chat\ndata: <li id="chat-\d+" class="chat-row" hx-swap-oob="true">[\s\S]*event: unread\ndata: 0\n/,
        );
      await Bun.sleep(200);
      expect(frames(b.text, "chat")).toHaveLength(0);
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });
});

describe("shared work helpers", () => {
  test("memo computes once per owner and key", async () => {
    const owner = {};
    let runs = 0;
    const compute = async () => ++runs;
    expect(
      await Promise.all([
        memo(owner, "k", compute),
        memo(owner, "k", compute),
        memo(owner, "j", compute),
        memo({}, "k", compute),
      ]),
    ).toEqual([1, 1, 2, 3]);
  });

  test("the limiter runs at most max tasks at once, all of them", async () => {
    const run = limiter(2);
    let active = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        run(async () => {
          most = Math.max(most, ++active);
          await Bun.sleep(5);
          active--;
          return i;
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(await run(async () => "after")).toBe("after");
  });

  test("coalesce shares an in-flight query until an inbox event or a closing stream stops the sharing", async () => {
    const bus = createEventBus();
    let runs = 0;
    let release!: () => void;
    const slow = () => new Promise<number>((resolve) => (release = () => resolve(++runs)));
    const first = coalesce(bus, "unread|1", slow);
    expect(coalesce(bus, "unread|1", slow)).toBe(first);
    stopSharing(bus);
    const after = coalesce(bus, "unread|1", async () => 99);
    expect(after).not.toBe(first);
    release();
    expect(await first).toBe(1);
    expect(await after).toBe(99);
    // Settled: the next caller runs it again.
    expect(await coalesce(bus, "unread|1", async () => 7)).toBe(7);
  });

  test("the scope key tells users and their visible numbers apart", () => {
    const base = {
      username: "u",
      displayName: "U",
      isAdmin: false,
      canManageUsers: false,
      canManageInstances: false,
      locale: null,
    };
    expect(scopeKey({ ...base, id: 1, instanceIds: [2, 1] })).toBe(scopeKey({ ...base, id: 1, instanceIds: [1, 2] }));
    expect(scopeKey({ ...base, id: 1, instanceIds: [1] })).not.toBe(scopeKey({ ...base, id: 1, instanceIds: [1, 2] }));
    expect(scopeKey({ ...base, id: 1, instanceIds: [1] })).not.toBe(scopeKey({ ...base, id: 2, instanceIds: [1] }));
    expect(scopeKey({ ...base, id: 1, instanceIds: [] })).not.toBe(
      scopeKey({ ...base, id: 1, instanceIds: [], isAdmin: true }),
    );
  });
});
