// Search-as-you-type queries for PostgreSQL full text search.
import { describe, expect, test } from "bun:test";
import { prefixQuery } from "./chat-list.ts";

describe("prefixQuery", () => {
  test("the word being typed is a prefix (3+ letters); finished words match whole", () => {
    expect(prefixQuery("Hello wor")).toBe("hello & wor:*");
    expect(prefixQuery("hello ")).toBe("hello");
    expect(prefixQuery("order no")).toBe("order & no");
    expect(prefixQuery("доставк")).toBe("доставк:*");
  });

  test("only letters and digits reach to_tsquery (no operators from the user)", () => {
    expect(prefixQuery("a & b | !c:*")).toBe("a & b & c");
    expect(prefixQuery("'); drop")).toBe("drop:*");
    expect(prefixQuery("  !!! ")).toBeNull();
    expect(prefixQuery("")).toBeNull();
  });
});
