// Initials and shortened names: whole graphemes, never half an emoji.
import { describe, expect, test } from "bun:test";
import { initial, shorten } from "./names.ts";

describe("initial", () => {
  const cases: Array<[string, string | null | undefined, string]> = [
    ["Latin", "anna", "A"],
    ["Cyrillic", "юлия", "Ю"],
    ["emoji", "😀 Smile", "😀"],
    ["emoji with a skin tone", "👍🏽 Thumbs", "👍🏽"],
    ["ZWJ family", "👨‍👩‍👧‍👦 Family", "👨‍👩‍👧‍👦"],
    ["ZWJ profession with a tone", "👩🏽‍💻 Dev", "👩🏽‍💻"],
    ["flag", "🇩🇪 Berlin", "🇩🇪"],
    ["keycap", "1️⃣ First", "1️⃣"],
    ["combining mark kept with its letter", "e\u0301mile", "E\u0301"],
    ["precomposed accent", "élodie", "É"],
    ["phone label skips the plus", "+7 900 123-45-67", "7"],
    ["leading spaces and quotes", "  «Ромашка»", "Р"],
    ["CJK", "李小龙", "李"],
    ["Arabic", "محمد", "م"],
    ["upper case that would become two letters stays", "ßtraße", "ß"],
    ["empty", "", "?"],
    ["blank", "   \t", "?"],
    ["null", null, "?"],
    ["only punctuation", "...", "?"],
  ];
  for (const [what, name, want] of cases) test(what, () => expect(initial(name)).toBe(want));

  test("the fallback is the caller's", () => expect(initial("  ", "#")).toBe("#"));
});

describe("shorten", () => {
  const cases: Array<[string, string, number, Parameters<typeof shorten>[2], string]> = [
    ["short text is kept", "hello", 10, {}, "hello"],
    ["exactly at the limit", "hello", 5, {}, "hello"],
    ["cut with an ellipsis", "hello world", 6, {}, "hello…"],
    ["emoji are never split", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 2, {}, "👨‍👩‍👧‍👦…"],
    ["flags are never split", "🇩🇪🇫🇷🇮🇹", 2, {}, "🇩🇪…"],
    ["combining marks stay with their letter", "e\u0301e\u0301e\u0301", 2, {}, "e\u0301…"],
    ["Cyrillic", "Здравствуйте", 6, {}, "Здрав…"],
    ["UTF-16 budget stops before a grapheme that does not fit", "ab👍🏽cd", 5, { measure: "utf16" }, "ab…"],
    ["UTF-16 budget without an ellipsis", "ab👍🏽cd", 6, { measure: "utf16", ellipsis: "" }, "ab👍🏽"],
    ["no room for anything", "hello", 1, {}, "…"],
  ];
  for (const [what, text, max, options, want] of cases)
    test(what, () => expect(shorten(text, max, options)).toBe(want));

  test("a cut text is within its limit and a prefix of the original", () => {
    const text = "🙂a👍🏽b🇩🇪c".repeat(50);
    for (let max = 2; max < 60; max++) {
      const cut = shorten(text, max, { measure: "utf16" });
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut.slice(0, -1))).toBe(true);
      expect(/[\uD800-\uDBFF]$/.test(cut.slice(0, -1))).toBe(false);
    }
  });
});
