// Browser: an administrator whose language is Russian walks every page of the app and finds no English UI string from a
// fixed list (taken from the English dictionary, plus a few words scripts might hard-code) in the visible text, in the
// title/aria-label/placeholder/alt/data-* attributes of every element (hidden ones too) nor in templates. The data
// entered by the team is Russian, so any hit is the app's own words. The audit log's entries are left out (its sentences
// are rendered by another part of #19); the page around them is walked.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { chatLabels, contacts, instances, labels, messages, quickReplies } from "../../src/db/schema/index.ts";
import { isMessageKey, messages as dictionary, type MessageKey } from "../../src/lib/i18n.ts";
import { teamOf } from "../../src/team/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertChat, insertInstance } from "../support/fixtures.ts";
import { ARTIFACTS, DESKTOP, PHONE, launchChromium, openWatched, signIn } from "./watch.ts";

const PASSWORD = "correct-horse-battery";

/** UI strings that must never show in Russian, by their English dictionary entries (fragments between placeholders). */
const KEYS = [
  "inbox.send",
  "nav.settings",
  "nav.instances",
  "nav.users",
  "nav.logout",
  "nav.chats",
  "inbox.search",
  "inbox.cancel",
  "inbox.save",
  "inbox.reply",
  "inbox.edit",
  "inbox.note",
  "inbox.attach",
  "inbox.newChat",
  "inbox.today",
  "inbox.yesterday",
  "inbox.status.failed",
  "inbox.resend",
  "send.failure.noAccount",
  "team.take",
  "team.transfer",
  "team.resolve",
  "team.pending",
  "team.delete",
  "team.labels",
  "team.tab.mine",
  "team.tab.unassigned",
  "team.tab.all",
  "team.status.resolved",
  "team.line.took",
  "team.line.transferred",
  "team.line.pending",
  "team.line.resolved",
  "team.line.reopened",
  "team.qr.title",
  "team.contacts.title",
  "audit.title",
  "backups.title",
  "backups.download",
  "instances.connect",
  "settings.language",
  "settings.sessions",
  "msg.location",
] as const;
/** Words scripts or views could hard-code without a key, and the transport's own English (Green-API errors). */
const LITERAL = [
  "Close",
  "Loading",
  "Menu",
  "Copy",
  "Retry",
  "Send again",
  "Sending",
  "Sent",
  "Delivered",
  "Unknown",
  "connection failed",
  "unexpected error",
  "notAuthorized",
  "Incoming call",
];

let app: TestApp;
let browser: Browser;
let instanceId: number;
let loggedOut: number;
let chatId: number;
let chatPath: string;
let contactId: number;
let userId: number;

function forbiddenPhrases(): string[] {
  const en = dictionary("en");
  const phrases = new Set<string>(LITERAL);
  for (const key of KEYS) {
    if (!isMessageKey(key)) throw new Error(`no such message key: ${key}`);
    const entry = en[key as MessageKey];
    const text = typeof entry === "string" ? entry : entry.other;
    for (const part of text.split(/\{\w+\}/)) {
      const phrase = part.replace(/[:.…,·()]+/g, " ").trim();
      if (/[A-Za-z]{3}/.test(phrase)) phrases.add(phrase);
    }
  }
  return [...phrases];
}

/**
 * Every text node of the page (hidden menus and dialogs too; not scripts or styles), the title, the attributes a reader
 * or a script may show, and templates' contents.
 */
function pageStrings(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const skip = (el: Element | null) => el?.closest(".audit-list, script, style, noscript") != null;
    const out: string[] = [document.title];
    const texts = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!skip(n.parentElement)) out.push(n.nodeValue ?? "");
    };
    const attrs = (root: ParentNode) => {
      for (const el of Array.from(root.querySelectorAll("*"))) {
        if (skip(el)) continue;
        for (const a of Array.from(el.attributes)) {
          const wanted = ["title", "aria-label", "placeholder", "alt"].includes(a.name) || a.name.startsWith("data-");
          const button = a.name === "value" && el instanceof HTMLInputElement && /^(submit|button)$/.test(el.type);
          if (wanted || button) out.push(a.value);
        }
      }
    };
    texts(document.body);
    attrs(document);
    for (const tpl of Array.from(document.querySelectorAll("template"))) {
      texts(tpl.content);
      attrs(tpl.content);
    }
    return out.filter((s) => /[A-Za-z]/.test(s));
  });
}

/** The forbidden phrases found on the page now, as "path: phrase in text". */
async function englishOn(page: Page, path: string, phrases: string[]): Promise<string[]> {
  const strings = await pageStrings(page);
  const found: string[] = [];
  for (const phrase of phrases) {
    const re = new RegExp(`(?<![\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}])`, "u");
    const hit = strings.find((s) => re.test(s));
    if (hit) found.push(`${path}: "${phrase}" in "${hit.trim().slice(0, 80)}"`);
  }
  return found;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await resetDatabase();
  app = await startTestApp({ DEFAULT_LOCALE: "en" });
  const { db, users } = app.deps;
  const admin = await users.create({ username: "anna", displayName: "Анна", password: PASSWORD, isAdmin: true });
  await users.setLocale(admin.id, "ru");
  userId = (await users.create({ username: "boris", displayName: "Борис", password: PASSWORD })).id;
  instanceId = await insertInstance(db, "Продажи");
  await grant(db, userId, instanceId);
  // A number to connect: its page shows the QR panel (Green-API is not reachable here: the panel says why).
  loggedOut = await insertInstance(db, "Склад");
  await db.update(instances).set({ state: "notAuthorized" }).where(eq(instances.id, loggedOut));
  chatId = await insertChat(db, instanceId, "79005550123@c.us", "Мария");
  chatPath = `/instances/${instanceId}/chats/${chatId}`;
  const yesterday = new Date(Date.now() - 26 * 3600_000);
  await db.insert(messages).values([
    {
      instanceId,
      chatId,
      idMessage: "RU1",
      direction: "in",
      via: "whatsapp",
      type: "textMessage",
      text: "Здравствуйте, где мой заказ?",
      sentAt: yesterday,
    },
    // A location as the ingest stores it (DEFAULT_LOCALE=en): our label as a code, the customer's words as sent.
    {
      instanceId,
      chatId,
      idMessage: "LOC1",
      direction: "in",
      via: "whatsapp",
      type: "locationMessage",
      text: "📍 Location: 55.75, 37.61 — Офис на Тверской",
      event: { key: "msg.location", params: { coords: "55.75, 37.61", place: " — Офис на Тверской" } },
      sentAt: new Date(yesterday.getTime() + 60_000),
    },
    {
      instanceId,
      chatId,
      direction: "out",
      via: "web",
      type: "textMessage",
      text: "Сейчас проверю",
      quotedIdMessage: "LOC1",
      status: "failed",
      failReason: "noAccount",
      senderUserId: admin.id,
      senderName: "Анна",
    },
  ]);
  // A missed call is the last message of another chat: its row's preview is a system line.
  const caller = await insertChat(db, instanceId, "79005550999@c.us", "Пётр");
  await db.insert(messages).values({
    instanceId,
    chatId: caller,
    idMessage: "CALL1",
    direction: "system",
    via: "whatsapp",
    type: "incomingCall",
    text: "📞 Incoming call — missed",
    event: { key: "msg.call.missed" },
  });
  const team = teamOf(app.deps);
  const anna = { id: admin.id, displayName: "Анна" };
  await team.state.assign(chatId, admin.id, anna);
  await team.state.assign(chatId, userId, anna, "срочно");
  await team.state.setStatus(chatId, "pending", anna);
  await team.notes.add({ id: chatId, instanceId }, anna, "Клиент постоянный", "ru-note-1");
  const [label] = await db.insert(labels).values({ name: "срочно", color: "#d33" }).returning({ id: labels.id });
  await db.insert(chatLabels).values({ chatId, labelId: label!.id });
  await db.insert(quickReplies).values({ code: "привет", text: "Здравствуйте, {name}!" });
  const [contact] = await db
    .insert(contacts)
    .values({ phone: "79005550123", waName: "Мария", notes: "любит звонки" })
    .returning({ id: contacts.id });
  contactId = contact!.id;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
}, 20_000);

for (const [name, options] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test(`${name}: no English UI string on any page in Russian`, async () => {
    const w = await openWatched(browser, app.url, `russian-${name}`, options);
    const { page } = w;
    await signIn(page, "anna", PASSWORD);
    const phrases = forbiddenPhrases();
    const pages = [
      "/",
      "/chats?tab=all",
      chatPath,
      "/overview",
      "/instances",
      `/instances/${instanceId}`,
      `/instances/${instanceId}/edit`,
      `/instances/${loggedOut}`,
      "/instances/new",
      "/users",
      "/users/new",
      `/users/${userId}/edit`,
      "/quick-replies",
      "/labels",
      "/contacts",
      `/contacts/${contactId}`,
      "/settings",
      "/audit",
      "/backups",
    ];
    const found: string[] = [];
    for (const path of pages) {
      await page.goto(path);
      await page.waitForFunction(() => document.readyState === "complete");
      // The number to connect: its QR panel has asked Green-API (unreachable here) and says why there is no code.
      if (path === `/instances/${loggedOut}`) await page.locator(".qr-placeholder.flash-error").waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("ru");
      found.push(...(await englishOn(page, path, phrases)));
    }
    // The missed call's row previews it in Russian.
    await page.goto("/");
    await page.locator(".chat-preview", { hasText: "Входящий звонок — пропущен" }).waitFor();
    // The conversation really shows its system lines, the note and the failed send (in Russian).
    await page.goto(chatPath);
    for (const line of [
      "Анна передал(а) диалог: Борис: срочно",
      "Клиент постоянный",
      "Отправить снова",
      "📍 Местоположение: 55.75, 37.61 — Офис на Тверской",
    ])
      await page.locator(".msg", { hasText: line }).first().waitFor();
    // A line written while the page is open arrives live (SSE), rendered for this reader.
    const boris = { id: userId, displayName: "Борис" };
    const live = name === "desktop" ? "Борис отметил(а) диалог решённым" : "Борис снова открыл(а) диалог";
    await teamOf(app.deps).state.setStatus(chatId, name === "desktop" ? "resolved" : "open", boris);
    await page.locator(".msg-system", { hasText: live }).waitFor();
    expect(await englishOn(page, chatPath, phrases)).toEqual([]);
    await w.shot("conversation");
    await w.context.close();
    expect(found).toEqual([]);
  }, 120_000);
}

test("the same walk finds the English strings when the reader is English (the check can fail)", async () => {
  const w = await openWatched(browser, app.url, "russian-check", DESKTOP);
  await signIn(w.page, "boris", PASSWORD);
  await w.page.goto(chatPath);
  const found = (await englishOn(w.page, chatPath, forbiddenPhrases())).join("\n");
  for (const phrase of ["Settings", "took the conversation", "Send again", "Not sent", "Internal note", "📍 Location"])
    expect(found).toContain(`"${phrase}"`);
  await w.context.close();
}, 60_000);
