// The audit log page: admins only, entries as sentences in the reader's language, filters in words, keyset paging,
// retention pruning.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AUDIT_ACTIONS } from "../../src/audit/actions.ts";
import { auditLog, chats } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let admin: Agent;
const ids = { anna: 0, boris: 0, instance: 0, chat: 0 };

/** What a reader sees of the page's main part: tags dropped (attribute values such as option codes too), entities read. */
function visible(html: string, gap = " "): string {
  const main = html.slice(html.indexOf("<main"), html.lastIndexOf("</main>"));
  return main
    .replace(/<[^>]*>/g, gap)
    .replaceAll("&#39;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ");
}

/** The entries' sentences, newest first. */
function sentences(html: string): string[] {
  const list = html.match(/<ul class="audit-list">([\s\S]*?)<\/ul>/)?.[1] ?? "";
  return [...list.matchAll(/<li>[\s\S]*?<\/time>([\s\S]*?)<\/li>/g)].map((m) =>
    visible(`<main>${m[1]!.replace(/<small[\s\S]*<\/small>/, "")}</main>`, "").trim(),
  );
}

const page = async (path: string) => {
  const res = await admin.get(path);
  expect(res.status).toBe(200);
  return res.text();
};

/** No stored code (`user.localeChanged`) and no JSON is left in what the page shows. */
function expectWords(html: string) {
  const text = visible(html);
  for (const code of AUDIT_ACTIONS) expect(text).not.toContain(code);
  expect(text).not.toMatch(/[{}]/);
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  const { users, db } = app.deps;
  ids.anna = (
    await users.create({ username: "anna", displayName: "Anna", password: "anna-password", isAdmin: true })
  ).id;
  ids.boris = (await users.create({ username: "boris", displayName: "Boris", password: "boris-password" })).id;
  await users.create({ username: "clerk", password: "clerk-password", canManageUsers: true });
  ids.instance = await insertInstance(db, "Sales");
  const [chat] = await db
    .insert(chats)
    .values({ instanceId: ids.instance, waChatId: "79005550101@c.us", name: "Carol", lastMessageAt: new Date() })
    .returning();
  ids.chat = chat!.id;
  admin = new Agent(app.url);
  expect((await admin.login("anna", "anna-password")).status).toBe(303);
  await new Agent(app.url).login("clerk", "wrong-password");
}, 30_000);
afterAll(() => app.stop());

test("only administrators see the audit log", async () => {
  const clerk = new Agent(app.url);
  await clerk.login("clerk", "clerk-password");
  expect((await clerk.get("/audit")).status).toBe(403);
  expect(await (await clerk.get("/users")).text()).not.toContain('href="/audit"');
  expect(await (await admin.get("/users")).text()).toContain('href="/audit"');
});

describe("entries told as sentences", () => {
  const boris = () => `/users/${ids.boris}`;
  const chatUrl = () => `/instances/${ids.instance}/chats/${ids.chat}`;

  test("real actions read as sentences in English, with names and no codes", async () => {
    const borisForm = { username: "boris", displayName: "Boris" };
    expect((await admin.post(boris(), { ...borisForm, password: "boris-new-password" })).status).toBe(303);
    expect((await admin.post(boris(), { ...borisForm, instanceIds: String(ids.instance) })).status).toBe(303);
    expect((await admin.post(`${chatUrl()}/take`, {})).status).toBe(303);
    expect((await admin.post(`${chatUrl()}/assign`, { assignee: String(ids.boris), note: "over to you" })).status).toBe(
      303,
    );
    expect((await admin.post("/settings/locale", { locale: "ru" })).status).toBe(303);

    // Anna reads Russian now (her setting): the same stored entries, told in Russian.
    const ru = await page("/audit");
    expectWords(ru);
    expect(sentences(ru).slice(0, 6)).toEqual([
      "Anna: язык интерфейса — русский",
      "Anna: чат «Carol» передан от пользователя Anna пользователю Boris",
      "Anna: чат «Carol» взят в работу",
      "Anna: у пользователя Boris изменено: доступ к номерам",
      "Anna: у пользователя Boris изменено: пароль",
      "clerk: вход в систему",
    ]);
    expect(visible(ru)).toContain("Неудачный вход под именем clerk");
    expect(visible(ru)).not.toContain("over to you");

    expect((await admin.post("/settings/locale", { locale: "en" })).status).toBe(303);
    const en = await page("/audit");
    expectWords(en);
    expect(sentences(en).slice(0, 7)).toEqual([
      "Anna switched the interface language to English",
      "Anna switched the interface language to Russian",
      "Anna passed the conversation with Carol from Anna to Boris",
      "Anna took the conversation with Carol",
      "Anna changed Boris's access to numbers",
      "Anna changed Boris's password",
      "clerk signed in",
    ]);
    expect(visible(en)).toContain("Failed sign-in as clerk");
    // Names stand out from the words.
    expect(en).toContain("<strong>Anna</strong> changed <strong>Boris</strong>&#39;s password");
  });

  test("a renamed user reads with today's name, and an unknown code still gives a sentence", async () => {
    await app.deps.db.insert(auditLog).values({ action: "user.teleported", actor: "anna", userId: ids.anna });
    expect(
      (
        await admin.post(`/users/${ids.boris}`, {
          username: "boris",
          displayName: "Boris Petrov",
          instanceIds: String(ids.instance),
        })
      ).status,
    ).toBe(303);
    const en = await page("/audit");
    expect(sentences(en)[0]).toBe("Anna changed Boris Petrov's display name");
    expect(sentences(en)[1]).toBe("Anna did something this version does not describe (user.teleported)");
    expect(sentences(en)).toContain("Anna changed Boris Petrov's password");
  });

  test("filters are offered and shown in words, and narrow the list", async () => {
    const all = await page("/audit");
    const text = visible(all);
    for (const words of ["Sign-ins", "Users and rights", "WhatsApp numbers", "Conversations", "Backups"])
      expect(all).toContain(`label="${words}"`);
    for (const words of [
      "Sign-ins: all",
      "Language changed",
      "Conversation passed on",
      "Anyone",
      "Boris Petrov (boris)",
    ])
      expect(text).toContain(words);
    expect(text).toContain("Showing everything recorded, newest first.");

    const signIns = await page("/audit?action=signins");
    expect(visible(signIns)).toContain("Showing: Sign-ins");
    expect(sentences(signIns)).toContain("Failed sign-in as clerk");
    expect(sentences(signIns)).toContain("Anna signed in");
    expect(sentences(signIns).some((s) => s.includes("password"))).toBe(false);

    const conversations = await page("/audit?action=conversations&actor=anna");
    expect(visible(conversations)).toContain("Showing: Conversations · by Anna");
    expect(conversations).toMatch(/<option value="anna" selected="">Anna<\/option>/);
    expect(sentences(conversations)).toEqual([
      "Anna passed the conversation with Carol from Anna to Boris Petrov",
      "Anna took the conversation with Carol",
    ]);

    const locale = await page("/audit?action=user.localeChanged");
    expect(visible(locale)).toContain("Showing: Language changed");
    expect(sentences(locale)).toHaveLength(2);

    // Links from before the groups keep working: `auth` reads as the sign-ins group.
    expect(visible(await page("/audit?action=auth"))).toContain("Showing: Sign-ins");
    const nobody = await page("/audit?action=backups&actor=boris");
    expect(visible(nobody)).toContain("Nothing recorded matches this filter.");
    expect(visible(nobody)).toContain("Showing: Backups · by Boris Petrov");
  });
});

test("pages with an older-entries link that keeps the filter", async () => {
  for (let i = 0; i < 60; i++)
    await app.deps.audit.record({
      action: "user.updated",
      userId: ids.anna,
      actor: "anna",
      target: `user:${1000 + i}`,
    });
  const first = await page("/audit?action=users&actor=anna");
  expect(first).toContain("<strong>#1059</strong>");
  expect(first).not.toContain("<strong>#1009</strong>");
  const older = first.match(/href="(\/audit\?[^"]*before=[^"]+)"/)![1]!.replaceAll("&amp;", "&");
  expect(older).toContain("action=users");
  expect(older).toContain("actor=anna");
  const second = await page(older);
  expect(second).toContain("<strong>#1000</strong>");
  expect(second).not.toContain("<strong>#1059</strong>");
  expect(sentences(second)).toContain("Anna changed Boris Petrov's password");
  expect(second).not.toContain("Older entries");
  expect((await admin.get("/audit?before=garbage&action=%27;drop")).status).toBe(200);
});

test("pruning removes entries older than the retention period only", async () => {
  await app.deps.db
    .insert(auditLog)
    .values({ action: "auth.login", actor: "ancient", at: new Date(Date.now() - 400 * 86400_000) });
  expect(await app.deps.audit.prune(365)).toBe(1);
  const rest = await app.deps.db.select().from(auditLog);
  expect(rest.some((r) => r.actor === "ancient")).toBe(false);
  expect(rest.length).toBeGreaterThan(60);
});
