// Web Push over HTTP against a fake push service (test/fakes/push: real aes128gcm + VAPID): device subscriptions with
// CSRF, one push per new customer message to the devices of users who may see the chat and want it (assignment scope),
// the text only with previews on, expired subscriptions removed, the test button.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chats, instances, pushSubscriptions } from "../../src/db/schema/index.ts";
import { REFERENCE_ENVELOPE } from "../../src/greenapi/examples.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";
import { type BrowserSubscription, type FakePush, startFakePush } from "../fakes/push/index.ts";

let app: TestApp;
let fake: FakePush;
let sales: number;
let salesIdInstance: number;
let support: number;
let annaId: number;
let borisId: number;
let anna: Agent;
let boris: Agent;
let olga: Agent;
let admin: Agent;

async function login(name: string): Promise<Agent> {
  const agent = new Agent(app.url);
  expect((await agent.login(name, "password-1")).status).toBe(303);
  return agent;
}

function postJson(agent: Agent, path: string, body: unknown, csrf = true): Promise<Response> {
  return agent.request(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: {
      "content-type": "application/json",
      origin: app.url,
      ...(csrf ? { "x-csrf-token": agent.cookies.get("gi_csrf")! } : {}),
    },
  });
}

async function subscribe(agent: Agent, settings: Record<string, unknown> = {}): Promise<BrowserSubscription> {
  const sub = fake.subscribe();
  const res = await postJson(agent, "/push/subscriptions", { endpoint: sub.endpoint, keys: sub.keys, ...settings });
  expect(res.status).toBe(204);
  return sub;
}

let seq = 0;
/** A customer message through the real intake and ingest; resolves once its pushes are done. */
async function customerWrites(waChatId: string, text: string, chatName = "Carol"): Promise<number> {
  const body = {
    ...REFERENCE_ENVELOPE,
    instanceData: { idInstance: salesIdInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp: Math.floor(Date.now() / 1000),
    idMessage: `PUSH${++seq}`,
    senderData: { chatId: waChatId, chatName, sender: waChatId, senderName: chatName, senderContactName: "" },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  };
  expect((await app.deps.intake.accept(sales, salesIdInstance, body, "webhook")).ok).toBe(true);
  await app.deps.intake.idle();
  await app.deps.push.settled();
  const [chat] = await app.deps.db.select({ id: chats.id }).from(chats).where(eq(chats.waChatId, waChatId));
  return chat!.id;
}

const assign = (chatId: number, userId: number | null) =>
  app.deps.db.update(chats).set({ assigneeId: userId }).where(eq(chats.id, chatId));

beforeAll(async () => {
  await resetDatabase();
  fake = startFakePush();
  app = await startTestApp();
  const { db, users } = app.deps;
  sales = await insertInstance(db, "Sales");
  support = await insertInstance(db, "Support");
  salesIdInstance = (
    await db.select({ idInstance: instances.idInstance }).from(instances).where(eq(instances.id, sales))
  )[0]!.idInstance;
  await users.create({ username: "admin", displayName: "Admin", password: "password-1", isAdmin: true });
  const a = await users.create({ username: "anna", displayName: "Anna", password: "password-1" });
  const b = await users.create({ username: "boris", displayName: "Boris", password: "password-1" });
  const o = await users.create({ username: "olga", displayName: "Olga", password: "password-1" });
  annaId = a.id;
  borisId = b.id;
  await grant(db, a.id, sales);
  await grant(db, b.id, sales);
  await grant(db, o.id, support);
  anna = await login("anna");
  boris = await login("boris");
  olga = await login("olga");
  admin = await login("admin");
}, 30_000);

afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe("device subscriptions", () => {
  test("the settings page offers notifications with the server's key; subscribing needs the CSRF token", async () => {
    const page = await (await anna.get("/settings")).text();
    expect(page).toContain("Notifications on this device");
    const key = /data-push-key="([\w-]+)"/.exec(page)![1]!;
    expect(Buffer.from(key, "base64url")).toHaveLength(65);
    // The key pair was made once and kept: the page shows the same key again.
    expect(await (await boris.get("/settings")).text()).toContain(key);

    const sub = fake.subscribe();
    expect(
      (await postJson(anna, "/push/subscriptions", { endpoint: sub.endpoint, keys: sub.keys }, false)).status,
    ).toBe(403);
    expect((await postJson(anna, "/push/subscriptions", { endpoint: "nope", keys: sub.keys })).status).toBe(400);
    expect((await postJson(anna, "/push/subscriptions", { endpoint: sub.endpoint, keys: sub.keys })).status).toBe(204);
    const [row] = await app.deps.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, sub.endpoint));
    expect(row).toMatchObject({ userId: annaId, previews: false, scope: "mine_and_unassigned" });
    expect(await (await anna.get("/settings")).text()).toContain(sub.endpoint);

    // Another user cannot remove it; its owner can.
    expect((await postJson(boris, "/push/subscriptions/remove", { endpoint: sub.endpoint })).status).toBe(204);
    expect(await app.deps.db.select().from(pushSubscriptions)).toHaveLength(1);
    expect((await postJson(anna, "/push/subscriptions/remove", { endpoint: sub.endpoint }, false)).status).toBe(403);
    expect((await postJson(anna, "/push/subscriptions/remove", { endpoint: sub.endpoint })).status).toBe(204);
    expect(await app.deps.db.select().from(pushSubscriptions)).toHaveLength(0);
  });
});

describe("a push for each new customer message", () => {
  let annaSub: BrowserSubscription;
  let borisSub: BrowserSubscription;
  let olgaSub: BrowserSubscription;
  let adminSub: BrowserSubscription;
  let chatId: number;

  beforeAll(async () => {
    annaSub = await subscribe(anna);
    borisSub = await subscribe(boris, { scope: "mine" });
    olgaSub = await subscribe(olga, { scope: "all" });
    adminSub = await subscribe(admin, { scope: "all", previews: true });
  });

  test("an unassigned chat: one push, no text without previews; no push to a user who may not see the number", async () => {
    chatId = await customerWrites("79001112233@c.us", "Where is my order #42?");
    const [push] = await waitFor(() => fake.received(annaSub.id).length === 1 && fake.received(annaSub.id));
    expect(push!.payload).toEqual({
      title: "Carol",
      body: "New message",
      tag: `chat-${chatId}`,
      url: `/instances/${sales}/chats/${chatId}`,
    });
    expect(push!.urgency).toBe("high");
    expect(push!.ttl).toBeGreaterThan(0);
    expect(JSON.stringify(fake.received(annaSub.id))).not.toContain("order");
    expect(fake.received(olgaSub.id)).toHaveLength(0); // Support only
    expect(fake.received(borisSub.id)).toHaveLength(0); // "mine": the chat is nobody's
    // An admin sees every number; previews on: the text.
    expect(fake.received(adminSub.id).map((m) => m.payload.body)).toEqual(["Where is my order #42?"]);
    expect(fake.refused).toEqual([]);
  });

  test("previews turned on in settings carry the text; the user's language is used without them", async () => {
    const form = { endpoint: annaSub.endpoint, previews: "on", scope: "mine_and_unassigned" };
    expect((await anna.post("/push/settings", form)).status).toBe(303);
    // Not one's own device: 404.
    expect((await boris.post("/push/settings", form)).status).toBe(404);
    await customerWrites("79001112233@c.us", "Hello again");
    expect(fake.received(annaSub.id).map((m) => m.payload.body)).toEqual(["New message", "Hello again"]);
    await app.deps.users.setLocale(annaId, "ru");
    expect((await anna.post("/push/settings", { ...form, previews: "" })).status).toBe(400);
    expect(
      (await anna.post("/push/settings", { endpoint: annaSub.endpoint, scope: "mine_and_unassigned" })).status,
    ).toBe(303);
    await customerWrites("79001112233@c.us", "Третье");
    expect(fake.received(annaSub.id).at(-1)!.payload.body).toBe("Новое сообщение");
  });

  test("scopes follow the assignee: mine, mine and unassigned, all", async () => {
    await assign(chatId, borisId);
    const before = { anna: fake.received(annaSub.id).length, boris: fake.received(borisSub.id).length };
    await customerWrites("79001112233@c.us", "For Boris");
    expect(fake.received(annaSub.id)).toHaveLength(before.anna); // assigned to someone else
    expect(fake.received(borisSub.id)).toHaveLength(before.boris + 1); // his own
    expect(fake.received(adminSub.id).at(-1)!.payload.body).toBe("For Boris"); // "all"

    expect((await anna.post("/push/settings", { endpoint: annaSub.endpoint, scope: "all" })).status).toBe(303);
    await customerWrites("79001112233@c.us", "Everyone");
    expect(fake.received(annaSub.id)).toHaveLength(before.anna + 1);

    await assign(chatId, annaId);
    expect((await anna.post("/push/settings", { endpoint: annaSub.endpoint, scope: "mine" })).status).toBe(303);
    await customerWrites("79001112233@c.us", "For Anna");
    expect(fake.received(annaSub.id)).toHaveLength(before.anna + 2);
    expect(fake.received(borisSub.id)).toHaveLength(before.boris + 2); // "For Boris" and "Everyone", not "For Anna"
  });

  test("a subscription the push service says is gone (410) is removed", async () => {
    fake.expire(borisSub.id);
    await assign(chatId, borisId);
    await customerWrites("79001112233@c.us", "Anyone there?");
    await waitFor(async () => {
      const rows = await app.deps.db
        .select()
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.endpoint, borisSub.endpoint));
      return rows.length === 0;
    });
    expect(fake.refused).toEqual([`${borisSub.id}: subscription gone`]);
    // The others are kept, with their last success noted.
    const [kept] = await app.deps.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, adminSub.endpoint));
    expect(kept!.lastSuccessAt).not.toBeNull();
  });

  test("the test button sends one notification to one's own device", async () => {
    const before = fake.received().length;
    const res = await admin.post("/push/test", { endpoint: adminSub.endpoint });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/settings#push");
    expect(fake.received()).toHaveLength(before + 1);
    expect(fake.received().at(-1)).toMatchObject({
      id: adminSub.id,
      payload: { title: "GreenInbox", body: "Notifications work on this device.", tag: "test", url: "/settings" },
    });
    // Without any device of one's own: nothing is sent.
    const none = new Agent(app.url);
    await app.deps.users.create({ username: "vera", displayName: "Vera", password: "password-1" });
    expect((await none.login("vera", "password-1")).status).toBe(303);
    expect((await none.post("/push/test", {})).status).toBe(303);
    expect(fake.received()).toHaveLength(before + 1);
  });
});

test("the service worker is served from the root, uncached, with the shell's current URLs", async () => {
  const res = await fetch(`${app.url}/sw.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("javascript");
  expect(res.headers.get("cache-control")).toBe("no-cache");
  expect(res.headers.get("service-worker-allowed")).toBe("/");
  const text = await res.text();
  expect(text).toMatch(/self\.SHELL = \[.*"\/public\/app\.css\?v=[0-9a-f]{16}"/);
  expect(text).toContain('addEventListener("push"');
  const manifest = (await (await fetch(`${app.url}/public/manifest.webmanifest`)).json()) as {
    icons: { src: string }[];
  };
  expect(manifest).toMatchObject({ name: "GreenInbox", display: "standalone", start_url: "/chats", scope: "/" });
  for (const icon of manifest.icons) expect((await fetch(`${app.url}${icon.src}`)).status).toBe(200);
  expect((await fetch(`${app.url}/public/offline.html`)).status).toBe(200);
});

test("where private hosts are not allowed, a plain-http or private endpoint is refused", async () => {
  const strict = await startTestApp({ GREEN_API_ALLOW_PRIVATE_HOSTS: "false" });
  try {
    const agent = new Agent(strict.url);
    expect((await agent.login("anna", "password-1")).status).toBe(303);
    const sub = fake.subscribe();
    const res = await agent.request("/push/subscriptions", {
      method: "POST",
      body: JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys }),
      headers: {
        "content-type": "application/json",
        origin: strict.url,
        "x-csrf-token": agent.cookies.get("gi_csrf")!,
      },
    });
    expect(res.status).toBe(400);
    // An https endpoint on a private address is taken, but never sent to.
    const local = { endpoint: "https://127.0.0.1:9/push/x", keys: sub.keys };
    await strict.deps.push.subscribe(annaId, {
      ...local,
      p256dh: sub.keys.p256dh,
      auth: sub.keys.auth,
      userAgent: null,
    });
    expect(await strict.deps.push.sendTest(annaId, "en", local.endpoint)).toBe(0);
  } finally {
    await strict.stop();
  }
});
