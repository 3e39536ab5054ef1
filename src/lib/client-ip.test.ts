import { describe, expect, test } from "bun:test";
import { clientAddress } from "./client-ip.ts";

describe("clientAddress", () => {
  const peer = "127.0.0.1";
  const rows: Array<[string, string | undefined, number | string[], string | undefined]> = [
    ["no proxy trusted: the header is ignored", "203.0.113.9", 0, peer],
    ["one hop, nginx setting the header to $remote_addr", "198.51.100.4", 1, "198.51.100.4"],
    ["one hop, the client's own entry in front is ignored", "1.2.3.4, 198.51.100.4", 1, "198.51.100.4"],
    ["one hop, many faked entries", "9.9.9.9, 8.8.8.8, 7.7.7.7, 198.51.100.4", 1, "198.51.100.4"],
    ["two hops (CDN then nginx)", "1.2.3.4, 198.51.100.4, 192.0.2.10", 2, "198.51.100.4"],
    ["more hops than entries: the furthest one", "198.51.100.4", 3, "198.51.100.4"],
    ["one hop, no header: the peer", undefined, 1, peer],
    ["one hop, the entry is not an IP: the peer", "evil'; drop table", 1, peer],
    ["one hop, an IPv6 client", "2001:db8::7", 1, "2001:db8::7"],
    ["a list: the peer is a trusted proxy", "1.2.3.4, 198.51.100.4", ["127.0.0.1"], "198.51.100.4"],
    [
      "a list: trusted proxies skipped from the right",
      "1.2.3.4, 198.51.100.4, 10.0.0.2",
      ["127.0.0.1", "10.0.0.2"],
      "198.51.100.4",
    ],
    ["a list: an untrusted peer is the client itself", "198.51.100.4", ["10.0.0.2"], peer],
  ];
  test.each(rows)("%s", (_name, header, trust, expected) => {
    expect(clientAddress(header, peer, trust)).toBe(expected);
  });
});
