// Every repair the edge makes, one row each: what is stored, what is reported, and that the original round-trips.
import { describe, expect, test } from "bun:test";
import { sanitizeNotification, sanitizeTimestamp, type Change } from "./sanitize.ts";

const RECEIVED = new Date("2025-11-24T12:00:00Z");
const RECEIPT_S = RECEIVED.getTime() / 1000;

describe("sanitizeTimestamp", () => {
  const cases: Array<[string, unknown, number, Change | null]> = [
    ["seconds stay", 1764000000, 1764000000, null],
    ["milliseconds are divided", 1764000000123, 1764000000, "timestamp-ms"],
    ["exactly 1e12 is still seconds, and far in the future", 1e12, RECEIPT_S, "timestamp-replaced"],
    ["a fraction of a second is cut", 1764000000.75, 1764000000, "timestamp-rounded"],
    ["zero", 0, RECEIPT_S, "timestamp-replaced"],
    ["negative", -5, RECEIPT_S, "timestamp-replaced"],
    ["a string", "1764000000", RECEIPT_S, "timestamp-replaced"],
    ["null", null, RECEIPT_S, "timestamp-replaced"],
    ["less than a day ahead is believed", RECEIPT_S + 3600, RECEIPT_S + 3600, null],
    ["more than a day ahead", RECEIPT_S + 2 * 86400, RECEIPT_S, "timestamp-replaced"],
    ["microseconds: milliseconds of the year 57000", 1764000000123456, RECEIPT_S, "timestamp-replaced"],
    ["infinity-sized", 1e308, RECEIPT_S, "timestamp-replaced"],
  ];
  test.each(cases)("%s", (_, input, value, change) => {
    expect(sanitizeTimestamp(input, RECEIVED)).toEqual({ value, change });
  });
});

describe("sanitizeNotification", () => {
  const cases: Array<[string, unknown, unknown, Change[]]> = [
    [
      "a clean body is left alone",
      { typeWebhook: "x", timestamp: 1764000000, a: ["b"] },
      { typeWebhook: "x", timestamp: 1764000000, a: ["b"] },
      [],
    ],
    ["NUL in a nested text", { m: { text: "a\u0000b" } }, { m: { text: "ab" } }, ["nul"]],
    ["NUL in a key", { "na\u0000me": "x" }, { name: "x" }, ["nul"]],
    ["NUL in an array item", { list: ["ok", "\u0000"] }, { list: ["ok", ""] }, ["nul"]],
    ["a lone high surrogate", { name: "A\uD83D!" }, { name: "A!" }, ["surrogate"]],
    ["a lone low surrogate", { name: "\uDE00B" }, { name: "B" }, ["surrogate"]],
    ["an emoji (a surrogate pair) stays", { name: "\uD83D\uDE00 Ann" }, { name: "\uD83D\uDE00 Ann" }, []],
    [
      "both, and a millisecond timestamp",
      { t: "\u0000\uD800", timestamp: 1764000000500 },
      { t: "", timestamp: 1764000000 },
      ["nul", "surrogate", "timestamp-ms"],
    ],
    [
      "a notification without a timestamp gets the time of receipt",
      { typeWebhook: "x" },
      { typeWebhook: "x", timestamp: RECEIPT_S },
      ["timestamp-replaced"],
    ],
    ["anything else without a timestamp gets none", { idMessage: "x" }, { idMessage: "x" }, []],
    [
      "only the top-level timestamp is repaired",
      { timestamp: 0, inner: { timestamp: -1 } },
      { timestamp: RECEIPT_S, inner: { timestamp: -1 } },
      ["timestamp-replaced"],
    ],
    ["not an object", "\u0000x", "x", ["nul"]],
    ["null", null, null, []],
  ];
  test.each(cases)("%s", (_, input, body, changes) => {
    const out = sanitizeNotification(input, RECEIVED);
    expect(out.body).toEqual(body);
    expect(out.changes).toEqual(changes);
    if (changes.length === 0) {
      expect(out.body).toBe(input);
      expect(out.original).toBeNull();
    } else {
      // Storable as PostgreSQL text (no NUL, no lone surrogate), and exactly the received body again.
      expect(out.original!.includes("\u0000")).toBe(false);
      expect(out.original!.isWellFormed()).toBe(true);
      expect(JSON.parse(out.original!)).toEqual(input);
    }
  });

  test("a __proto__ key stays a plain key and does not change the prototype", () => {
    const input = JSON.parse('{"__proto__":{"polluted":"\\u0000yes"},"a":"\\u0000"}');
    const out = sanitizeNotification(input, RECEIVED).body as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("the stored original spells the refused characters as escapes", () => {
    const out = sanitizeNotification({ text: "a\u0000b\uD800" }, RECEIVED);
    expect(out.original).toBe('{"text":"a\\u0000b\\ud800"}');
  });
});
