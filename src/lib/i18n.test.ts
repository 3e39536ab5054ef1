import { describe, expect, test } from "bun:test";
import { messages, registerMessages, resolveLocale, translator } from "./i18n.ts";

describe("i18n", () => {
  test("every key is translated to Russian, with the same placeholders", () => {
    const placeholders = (v: unknown) => [...new Set(JSON.stringify(v).match(/\{\w+\}/g) ?? [])].sort();
    const en = messages("en");
    const ru = messages("ru");
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ru[key], key).toBeDefined();
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  test("a key registered twice throws, and the first registration stays", () => {
    const en = messages("en");
    const before = en["instances.chatCount"];
    expect(() =>
      registerMessages("a duplicate", { en: { "instances.chatCount": "dup" }, ru: { "instances.chatCount": "dup" } }),
    ).toThrow(/a duplicate registers keys that already exist: instances.chatCount/);
    expect(messages("en")["instances.chatCount"]).toEqual(before);
  });

  test("Russian plurals follow Intl.PluralRules", () => {
    const t = translator("ru");
    expect(t("instances.chatCount", { count: 1 })).toBe("1 чат");
    expect(t("instances.chatCount", { count: 3 })).toBe("3 чата");
    expect(t("instances.chatCount", { count: 5 })).toBe("5 чатов");
    expect(t("instances.chatCount", { count: 21 })).toBe("21 чат");
    expect(translator("en")("instances.chatCount", { count: 1 })).toBe("1 chat");
    expect(translator("en")("instances.chatCount", { count: 2 })).toBe("2 chats");
  });

  test("locale: user setting, then Accept-Language, then the default", () => {
    expect(resolveLocale("ru", "en-US", "en")).toBe("ru");
    expect(resolveLocale(null, "ru-RU,ru;q=0.9,en;q=0.8", "en")).toBe("ru");
    expect(resolveLocale(null, "de-DE,en;q=0.5", "ru")).toBe("en");
    expect(resolveLocale(null, "de-DE", "ru")).toBe("ru");
    expect(resolveLocale(null, undefined, "en")).toBe("en");
  });
});
