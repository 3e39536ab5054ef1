import { expect, test } from "bun:test";
import { registerAppMessages } from "./i18n.ts";
import { isMessageKey, messages, translator } from "./lib/i18n.ts";

test("every capability's strings are registered once: a second call changes nothing", () => {
  registerAppMessages();
  const keys = Object.keys(messages("en")).length;
  expect(() => registerAppMessages()).not.toThrow();
  expect(Object.keys(messages("en")).length).toBe(keys);
  // One key from lib itself and one from a capability.
  expect(isMessageKey("nav.chats")).toBe(true);
  expect(isMessageKey("msg.photo")).toBe(true);
  expect(isMessageKey("no.such.key")).toBe(false);
  expect(translator("ru")("msg.photo")).toBe(messages("ru")["msg.photo"] as string);
});
