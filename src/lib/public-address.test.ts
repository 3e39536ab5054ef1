import { describe, expect, test } from "bun:test";
import { isIpAddress, isPublicAddress, isPublicHostName } from "./public-address.ts";

describe("isPublicAddress", () => {
  const table: Array<[string, boolean, string]> = [
    // Public
    ["8.8.8.8", true, "public IPv4"],
    ["162.159.140.229", true, "a storage host's address"],
    ["100.63.255.255", true, "just below CGNAT"],
    ["100.128.0.0", true, "just above CGNAT"],
    ["172.15.255.255", true, "just below 172.16/12"],
    ["172.32.0.0", true, "just above 172.16/12"],
    ["223.255.255.255", true, "last before multicast"],
    ["2a03:2880:f12f:83:face:b00c:0:25de", true, "public IPv6"],
    ["2606:4700::6810:84e5", true, "public IPv6, compressed"],
    ["[2001:4860:4860::8888]", true, "bracketed, as in URLs"],
    ["::ffff:8.8.8.8", true, "IPv4-mapped public"],
    ["64:ff9b::808:808", true, "NAT64 of a public IPv4"],
    ["2002:808:808::1", true, "6to4 of a public IPv4"],
    // IPv4, not public
    ["127.0.0.1", false, "loopback"],
    ["127.255.255.254", false, "loopback /8"],
    ["10.0.0.1", false, "private 10/8"],
    ["172.16.0.1", false, "private 172.16/12"],
    ["172.31.255.255", false, "private 172.16/12, last"],
    ["192.168.1.1", false, "private 192.168/16"],
    ["169.254.169.254", false, "cloud metadata"],
    ["169.254.0.1", false, "link-local"],
    ["100.64.0.1", false, "CGNAT"],
    ["100.127.255.255", false, "CGNAT, last"],
    ["0.0.0.0", false, "unspecified"],
    ["0.1.2.3", false, "this network"],
    ["224.0.0.1", false, "multicast"],
    ["239.255.255.250", false, "multicast (SSDP)"],
    ["255.255.255.255", false, "broadcast"],
    ["240.0.0.1", false, "reserved"],
    ["192.0.0.170", false, "IETF protocol assignments"],
    ["192.0.2.1", false, "documentation"],
    ["198.18.0.1", false, "benchmarking"],
    ["198.51.100.7", false, "documentation"],
    ["203.0.113.9", false, "documentation"],
    // IPv6, not public
    ["::1", false, "loopback"],
    ["[::1]", false, "loopback, bracketed"],
    ["::", false, "unspecified"],
    ["0:0:0:0:0:0:0:1", false, "loopback, long form"],
    ["fe80::1", false, "link-local"],
    ["febf::1", false, "link-local, last /10"],
    ["fc00::1", false, "ULA"],
    ["fd12:3456:789a::1", false, "ULA fd00::/8"],
    ["ff02::1", false, "multicast"],
    ["fec0::1", false, "site-local"],
    ["100::1", false, "discard-only"],
    ["2001:db8::1", false, "documentation"],
    ["2001::1", false, "Teredo"],
    ["3fff::1", false, "documentation (3fff::/20)"],
    ["::ffff:127.0.0.1", false, "IPv4-mapped loopback"],
    ["::ffff:7f00:1", false, "IPv4-mapped loopback, hex"],
    ["[::ffff:7f00:1]", false, "IPv4-mapped loopback as a URL writes it"],
    ["::ffff:10.0.0.1", false, "IPv4-mapped private"],
    ["::ffff:169.254.169.254", false, "IPv4-mapped metadata"],
    ["::127.0.0.1", false, "IPv4-compatible loopback"],
    ["::a9fe:a9fe", false, "IPv4-compatible metadata, hex"],
    ["64:ff9b::7f00:1", false, "NAT64 of loopback"],
    ["64:ff9b:1::1", false, "local-use NAT64"],
    ["2002:7f00:1::1", false, "6to4 of loopback"],
    ["2002:a00:1::", false, "6to4 of 10.0.0.1"],
    ["fe80::1%eth0", false, "zone id"],
    // Not addresses at all: refused
    ["", false, "empty"],
    ["localhost", false, "a name"],
    ["0x7f.0.0.1", false, "hex IPv4"],
    ["0177.0.0.1", false, "octal IPv4"],
    ["2130706433", false, "decimal IPv4"],
    ["127.1", false, "short IPv4"],
    ["256.0.0.1", false, "octet out of range"],
    ["1:2:3:4:5:6:7:8:9", false, "nine groups"],
    ["1::2::3", false, "two ::"],
    ["12345::1", false, "group too long"],
  ];
  for (const [address, expected, why] of table) {
    test(`${address || "(empty)"} → ${expected ? "public" : "refused"} (${why})`, () => {
      expect(isPublicAddress(address)).toBe(expected);
    });
  }
});

describe("isPublicHostName and isIpAddress", () => {
  test("storage hosts pass; local, metadata and single-label names do not", () => {
    const table: Array<[string, boolean]> = [
      ["do-media-7103.fra1.digitaloceanspaces.com", true],
      ["sw-media-1105.storage.yandexcloud.net", true],
      ["example.com.", true],
      ["localhost", false],
      ["LOCALHOST.", false],
      ["app.localhost", false],
      ["metadata.google.internal", false],
      ["metadata", false],
      ["instance-data", false],
      ["db.internal", false],
      ["printer.local", false],
      ["nas.home.arpa", false],
      ["intranet", false],
    ];
    for (const [name, expected] of table) expect(isPublicHostName(name), name).toBe(expected);
  });

  test("IP literals are told from names", () => {
    expect(["10.0.0.1", "::1", "[::ffff:7f00:1]", "2001:db8::1"].every(isIpAddress)).toBe(true);
    expect(["example.com", "0x7f.1", "127.1", ""].some(isIpAddress)).toBe(false);
  });
});
