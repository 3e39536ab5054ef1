// A fake Web Push service on loopback, speaking the real wire format: POST /push/<id> with an aes128gcm body (RFC 8188,
// encrypted per RFC 8291) and a VAPID `Authorization: vapid t=<JWT>, k=<key>` header (RFC 8292). It checks the JWT (ES256
// signature by `k`, audience = the endpoint's origin, expiry within 24 h, a mailto:/https: subject), TTL and encoding,
// and — holding the "browser's" private key of each subscription it handed out — decrypts the payload, as a browser
// would. Like real services it answers 201, 410 for a subscription that is gone, and 429 past its rate limit.
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify } from "node:crypto";

export interface PushedMessage {
  id: string;
  ttl: number;
  urgency: string | null;
  /** The decrypted payload, parsed as JSON. */
  payload: Record<string, unknown>;
}

export interface BrowserSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface FakePush {
  url: string;
  /** A new subscription as PushSubscription.toJSON() gives it (the fake keeps its private key to decrypt pushes). */
  subscribe(): BrowserSubscription;
  /** Makes the endpoint answer 410 Gone from now on (the browser dropped it). */
  expire(id: string): void;
  /** Every push accepted so far, oldest first (optionally of one subscription). */
  received(id?: string): PushedMessage[];
  /** Pushes refused, with why (bad VAPID, bad body, unknown endpoint, …). */
  readonly refused: string[];
  stop(): Promise<void>;
}

/** Pushes one subscription may receive per second (real services throttle a flood). */
const RATE_PER_SECOND = 50;

const b64 = (s: string) => Buffer.from(s, "base64url");

function checkVapid(header: string | null, audience: string): string | null {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? "");
  if (!m) return "no vapid authorization";
  const [head, body, signature] = m[1]!.split(".") as [string, string, string];
  const jwtHead = JSON.parse(b64(head).toString());
  const claims = JSON.parse(b64(body).toString());
  if (jwtHead.alg !== "ES256") return "alg is not ES256";
  if (claims.aud !== audience) return `aud ${claims.aud} is not ${audience}`;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp <= now || claims.exp > now + 24 * 3600) return "exp out of range";
  if (!/^(mailto:|https:\/\/)/.test(String(claims.sub))) return "sub is not mailto: or https:";
  const point = b64(m[2]!);
  if (point.length !== 65 || point[0] !== 4) return "k is not an uncompressed P-256 point";
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const signed = verify("sha256", Buffer.from(`${head}.${body}`), { key, dsaEncoding: "ieee-p1363" }, b64(signature));
  return signed ? null : "bad JWT signature";
}

/** RFC 8291 decryption of a single-record aes128gcm body with the browser's key pair and auth secret. */
function decrypt(body: Buffer, browser: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const serverKey = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const shared = browser.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), browser.getPublicKey(), serverKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error("no last-record padding delimiter");
  return plain.subarray(0, end);
}

export function startFakePush(): FakePush {
  const subs = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer; gone: boolean; sent: number[] }>();
  const messages: PushedMessage[] = [];
  const refused: string[] = [];
  let seq = 0;

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const m = /^\/push\/([\w-]+)$/.exec(url.pathname);
      if (req.method !== "POST" || !m) return new Response("not found", { status: 404 });
      const id = m[1]!;
      const sub = subs.get(id);
      const refuse = (status: number, why: string) => {
        refused.push(`${id}: ${why}`);
        return new Response(why, { status });
      };
      if (!sub) return refuse(404, "no such subscription");
      if (sub.gone) return refuse(410, "subscription gone");
      const now = Date.now();
      sub.sent = sub.sent.filter((t) => t > now - 1000);
      if (sub.sent.length >= RATE_PER_SECOND) return refuse(429, "rate limited");
      const problem = checkVapid(req.headers.get("authorization"), url.origin);
      if (problem) return refuse(403, problem);
      if (req.headers.get("content-encoding") !== "aes128gcm") return refuse(415, "content-encoding is not aes128gcm");
      const ttl = Number(req.headers.get("ttl"));
      if (!Number.isInteger(ttl) || ttl < 0) return refuse(400, "no TTL");
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(decrypt(Buffer.from(await req.arrayBuffer()), sub.ecdh, sub.auth).toString());
      } catch (err) {
        return refuse(400, `cannot decrypt: ${(err as Error).message}`);
      }
      sub.sent.push(now);
      messages.push({ id, ttl, urgency: req.headers.get("urgency"), payload });
      return new Response(null, { status: 201, headers: { location: `${url.origin}/messages/${messages.length}` } });
    },
  });
  const base = `http://127.0.0.1:${server.port}`;

  return {
    url: base,
    subscribe() {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = `s${++seq}${randomBytes(4).toString("hex")}`;
      subs.set(id, { ecdh, auth, gone: false, sent: [] });
      return {
        id,
        endpoint: `${base}/push/${id}`,
        keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      };
    },
    expire(id) {
      subs.get(id)!.gone = true;
    },
    received(id) {
      return id ? messages.filter((m) => m.id === id) : [...messages];
    },
    refused,
    stop: () => server.stop(true),
  };
}
