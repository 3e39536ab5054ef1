// Names as people write them, in the pages: avatar letters are whole graphemes (emoji, flags, Cyrillic), never "�".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { contacts } from "../../src/db/schema/index.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { grant, insertChat } from "../support/fixtures.ts";

let app: TestApp;
let instanceId: number;
let anna: Agent;
const chatIds = new Map<string, number>();

/** The avatar letter shown for a chat in the list (its row), or in a page. */
const listAvatar = (html: string, chatId: number) =>
  new RegExp(`<li id="chat-${chatId}"[^>]*>.*?<span class="avatar" aria-hidden="true">(.*?)</span>`, "s").exec(
    html,
  )?.[1];

beforeAll(async () => {
  ({ app, instanceId } = await startAppWithInstance("Sales"));
  const user = await app.deps.users.create({ username: "anna", password: "password-1" });
  await grant(app.deps.db, user.id, instanceId);
  for (const [waChatId, name] of [
    ["79001110001@c.us", "👩🏽‍💻 Dev team"],
    ["79001110002@c.us", "🇩🇪 Berlin"],
    ["79001110003@c.us", "юлия"],
    ["79001110004@c.us", "👨‍👩‍👧‍👦"],
    ["79001110005@c.us", "   "],
  ] as const)
    chatIds.set(waChatId, await insertChat(app.deps.db, instanceId, waChatId, name));
  anna = new Agent(app.url);
  expect((await anna.login("anna", "password-1")).status).toBe(303);
}, 30_000);
afterAll(() => app.stop());

describe("avatar letters", () => {
  test("a chat whose name starts with an emoji shows that whole emoji as its avatar letter in the chat list", async () => {
    const html = await (await anna.get("/chats")).text();
    expect(html).not.toContain("\uFFFD");
    expect(listAvatar(html, chatIds.get("79001110001@c.us")!)).toBe("👩🏽‍💻");
    expect(listAvatar(html, chatIds.get("79001110002@c.us")!)).toBe("🇩🇪");
    expect(listAvatar(html, chatIds.get("79001110003@c.us")!)).toBe("Ю");
    expect(listAvatar(html, chatIds.get("79001110004@c.us")!)).toBe("👨‍👩‍👧‍👦");
    // A blank name shows the number, and its first digit.
    expect(listAvatar(html, chatIds.get("79001110005@c.us")!)).toBe("7");
  });

  test("the conversation header and the contact page cut names the same way", async () => {
    const page = await (await anna.get(`/instances/${instanceId}/chats/${chatIds.get("79001110001@c.us")}`)).text();
    expect(page).toContain('<span class="avatar" aria-hidden="true">👩🏽‍💻</span>');
    const [contact] = await app.deps.db
      .insert(contacts)
      .values({ phone: "79001110002", waName: "🇩🇪 Berlin" })
      .returning({ id: contacts.id });
    const card = await (await anna.get(`/contacts/${contact!.id}`)).text();
    expect(card).toContain('<span class="avatar contact-avatar" aria-hidden="true">🇩🇪</span>');
    expect(card).not.toContain("\uFFFD");
  });
});
