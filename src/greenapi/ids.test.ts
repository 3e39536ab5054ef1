// Every chat-id form Green-API sends maps to one canonical id and kind; anything else is refused.
import { describe, expect, test } from "bun:test";
import { isConversationId, normalizeChatId, type ChatKind } from "./ids.ts";

const ACCEPTED: Array<[raw: string, id: string, kind: ChatKind]> = [
  ["79001234567@c.us", "79001234567@c.us", "user"],
  ["79001234567:3@c.us", "79001234567@c.us", "user"],
  ["79001234567:0@c.us", "79001234567@c.us", "user"],
  ["79001234567:12@s.whatsapp.net", "79001234567@c.us", "user"],
  ["79001234567@s.whatsapp.net", "79001234567@c.us", "user"],
  ["79001234567@C.US", "79001234567@c.us", "user"],
  ["79001234567@S.WhatsApp.Net", "79001234567@c.us", "user"],
  ["1@c.us", "1@c.us", "user"],
  ["120363043968066561@g.us", "120363043968066561@g.us", "group"],
  ["79001234567-1581234048@g.us", "79001234567-1581234048@g.us", "group"],
  ["120363043968066561@G.US", "120363043968066561@g.us", "group"],
  ["155508384256027@lid", "155508384256027@lid", "lid"],
  ["155508384256027:4@lid", "155508384256027@lid", "lid"],
  ["status@broadcast", "status@broadcast", "broadcast"],
  ["STATUS@BROADCAST", "status@broadcast", "broadcast"],
  ["120363025246125486@newsletter", "120363025246125486@newsletter", "newsletter"],
];

const REFUSED: Array<[why: string, raw: string]> = [
  ["empty", ""],
  ["only a domain", "@c.us"],
  ["no domain", "79001234567"],
  ["no user part and a device", ":3@c.us"],
  ["leading space", " 79001234567@c.us"],
  ["trailing space", "79001234567@c.us "],
  ["space inside", "7900 1234567@c.us"],
  ["plus sign", "+79001234567@c.us"],
  ["letters", "abc@c.us"],
  ["hex letters", "7900abc@c.us"],
  ["unknown domain", "79001234567@example.com"],
  ["a broadcast list, not Status", "1581234048@broadcast"],
  ["other status", "status@c.us"],
  ["two at signs", "79001234567@c.us@c.us"],
  ["empty device", "79001234567:@c.us"],
  ["letter device", "79001234567:a@c.us"],
  ["two devices", "79001234567:1:2@c.us"],
  ["device on a group", "120363043968066561:2@g.us"],
  ["device on a channel", "120363025246125486:1@newsletter"],
  ["legacy group suffix on a person", "79001234567-1581234048@c.us"],
  ["too many digits", `${"7".repeat(21)}@c.us`],
  ["very long", `${"7".repeat(10_000)}@c.us`],
  ["a newline", "79001234567@c.us\n"],
  ["NUL", "79001234567\u0000@c.us"],
  ["full-width digits", "７９００@c.us"],
  ["a URL", "https://wa.me/79001234567"],
];

describe("normalizeChatId", () => {
  for (const [raw, id, kind] of ACCEPTED) {
    test(`${JSON.stringify(raw)} → ${id} (${kind})`, () => {
      expect(normalizeChatId(raw)).toEqual({ id, kind });
    });
  }
  for (const [why, raw] of REFUSED) {
    test(`refuses ${why}`, () => {
      expect(normalizeChatId(raw)).toBeNull();
    });
  }
  test("the canonical form is a fixed point", () => {
    for (const [, id, kind] of ACCEPTED) expect(normalizeChatId(id)).toEqual({ id, kind });
  });
});

describe("isConversationId", () => {
  test("canonical person, group and privacy ids only", () => {
    for (const id of [
      "79001234567@c.us",
      "120363043968066561@g.us",
      "79001234567-1581234048@g.us",
      "155508384256027@lid",
    ]) {
      expect(isConversationId(id)).toBe(true);
    }
    for (const id of [
      "79001234567:3@c.us",
      "79001234567@s.whatsapp.net",
      "79001234567@C.US",
      "status@broadcast",
      "1@newsletter",
      "",
      "x",
    ]) {
      expect(isConversationId(id)).toBe(false);
    }
  });
});
