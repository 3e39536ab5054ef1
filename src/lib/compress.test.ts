import { describe, expect, test } from "bun:test";
import { compressible, negotiate } from "./compress.ts";
import { etagMatches } from "./page-etag.ts";

describe("negotiate", () => {
  test.each([
    ["br, gzip", "br"],
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["GZIP", "gzip"],
    ["gzip;q=1, br;q=0.5", "gzip"],
    ["br;q=0.5, gzip;q=0.5", "br"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0, gzip;q=0.1", "gzip"],
    ["br;q=0, gzip;q=0", null],
    ["identity", null],
    ["deflate", null],
    ["", null],
    [undefined, null],
  ] as const)("%p → %p", (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});

test("compressible types: text pages, styles, scripts, SVG and JSON; never event streams or media", () => {
  for (const type of [
    "text/html; charset=UTF-8",
    "text/css; charset=utf-8",
    "text/javascript",
    "application/json",
    "image/svg+xml",
    "application/manifest+json",
  ]) {
    expect(compressible(type), type).toBe(true);
  }
  for (const type of [
    "text/event-stream",
    "image/png",
    "image/jpeg",
    "audio/ogg",
    "application/gzip",
    "application/octet-stream",
    "",
    null,
  ]) {
    expect(compressible(type), String(type)).toBe(false);
  }
});

test("If-None-Match is compared weakly, in a list or as *", () => {
  expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
  expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
  expect(etagMatches('W/"x", W/"abc"', 'W/"abc"')).toBe(true);
  expect(etagMatches("*", 'W/"abc"')).toBe(true);
  expect(etagMatches('W/"abd"', 'W/"abc"')).toBe(false);
  expect(etagMatches(undefined, 'W/"abc"')).toBe(false);
});
