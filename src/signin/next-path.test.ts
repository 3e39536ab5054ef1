import { describe, expect, test } from "bun:test";
import { safeNext } from "./next-path.ts";

describe("safeNext", () => {
  const hostile = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r//evil.example",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "%2F%2Fevil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /chats",
    "/\u0000/evil.example",
    "/%00/evil.example",
    "/%E0%A4%A",
    "/chats\\..\\evil",
    "",
  ];
  test.each(hostile)("%p goes to /", (next) => {
    expect(safeNext(next)).toBe("/");
  });

  const local = [
    "/",
    "/chats",
    "/chats/12?tab=mine",
    "/instances/3#history",
    "/search?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
    "/chats/a%20b",
  ];
  test.each(local)("%p is kept", (next) => {
    expect(safeNext(next)).toBe(next);
  });

  test("a missing or very long value goes to /", () => {
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext(`/${"a".repeat(600)}`)).toBe("/");
  });
});
