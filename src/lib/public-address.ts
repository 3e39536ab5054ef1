// Whether an IP address or a host name is on the public internet: what a server may fetch from on someone else's word.

/** IPv4 ranges that are not public (IANA special-purpose registry), as [first address, prefix length]. */
const V4_NOT_PUBLIC: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this network", 0.0.0.0 included
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254) included
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (withdrawn)
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast 255.255.255.255 included
];

/** Dotted-quad IPv4 as a 32-bit number; null for anything else (no octal, hex or short forms). */
function parseV4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const V4_RANGES = V4_NOT_PUBLIC.map(([base, bits]) => ({ base: parseV4(base)!, size: 2 ** (32 - bits) }));

function isPublicV4(n: number): boolean {
  return !V4_RANGES.some(({ base, size }) => n >= base && n < base + size);
}

/** IPv6 as eight 16-bit groups (a trailing dotted IPv4 allowed); null for anything else, zone ids included. */
function parseV6(text: string): number[] | null {
  let head = text;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseV4(v4[2]!);
    if (n === null) return null;
    head = v4[1]!.endsWith("::") ? v4[1]! : v4[1]!.slice(0, -1);
    tail.push(Math.floor(n / 65536), n % 65536);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const [left, right] = [groups(halves[0]!), halves.length === 2 ? groups(halves[1]!) : []];
  if (![...left, ...right].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = left.length + right.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const hex = (g: string) => parseInt(g, 16);
  return [...left.map(hex), ...Array<number>(8 - known).fill(0), ...right.map(hex), ...tail];
}

function isPublicV6(g: number[]): boolean {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const v4At = (i: number) => isPublicV4(g[i]! * 65536 + g[i + 1]!);
  // IPv4-compatible (::a.b.c.d, :: and ::1 included), IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
  // reach the embedded IPv4 address, so they are judged by it; so is 6to4 (2002:aabb:ccdd::/48).
  if (zeros(0, 6) || (zeros(0, 5) && g[5] === 0xffff)) return v4At(6);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4At(6);
  if (g[0] === 0x2002) return v4At(1);
  // Only global unicast (2000::/3) is public: this leaves out ULA fc00::/7, link-local fe80::/10, multicast ff00::/8,
  // site-local, discard and local NAT64 prefixes.
  if ((g[0]! & 0xe000) !== 0x2000) return false;
  if (g[0] === 0x2001 && g[1]! < 0x200) return false; // IETF protocol assignments (Teredo, ORCHID…)
  if (g[0] === 0x2001 && g[1] === 0xdb8) return false; // documentation
  if (g[0] === 0x3fff && g[1]! < 0x1000) return false; // documentation
  return true;
}

/** Strips the brackets a URL puts around an IPv6 host. */
export function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** Whether `text` is an IP address (IPv4 dotted quad or IPv6, brackets allowed). */
export function isIpAddress(text: string): boolean {
  const host = bareHost(text);
  return parseV4(host) !== null || parseV6(host) !== null;
}

/**
 * Whether an IP address is public: false for loopback, private, link-local, CGNAT, multicast, unspecified, broadcast,
 * documentation and other reserved ranges, IPv6 ULA, and for IPv4-mapped or -compatible IPv6 of any of those.
 * Anything that is not an address at all is not public either.
 */
export function isPublicAddress(address: string): boolean {
  const host = bareHost(address);
  const v4 = parseV4(host);
  if (v4 !== null) return isPublicV4(v4);
  const v6 = parseV6(host);
  return v6 !== null && isPublicV6(v6);
}

/** Names that lead inside the network whatever they resolve to: cloud metadata services and local-only domains. */
const LOCAL_NAMES = new Set(["localhost", "metadata", "metadata.google.internal", "metadata.goog", "instance-data"]);
const LOCAL_SUFFIXES = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa"];

/**
 * Whether a host name (not an address) may name a public host. Refused: single-label names (the resolver's search
 * domains make them local), `localhost`, metadata names and local-only domains. Their addresses still need checking.
 */
export function isPublicHostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (!name.includes(".") || LOCAL_NAMES.has(name)) return false;
  return !LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
