// Delivering one push: the VAPID key pair (env, or made on first use and kept in the database) and the request built by
// `web-push` (aes128gcm body, VAPID header), sent with fetch so a plain-http push service (a fake in tests) works too.
import { eq } from "drizzle-orm";
import webpush from "web-push";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { pushKeys, pushSubscriptions } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { fetchPublic } from "../lib/public-fetch.ts";
import { metrics } from "../metrics/index.ts";
import type { PushPayload } from "./service.ts";

/** Seconds a push service keeps a push for an offline device. */
const TTL_SECONDS = 3600;
const SEND_TIMEOUT_MS = 10_000;

export function createPushDelivery({
  db,
  config,
  log,
  send,
}: {
  db: Db;
  config: Config;
  log: Logger;
  send: typeof fetch;
}) {
  let keys: Promise<{ publicKey: string; privateKey: string }> | null = null;

  /** The env's pair, or the stored one (made and stored on first use; a concurrent start keeps the first). */
  function vapidKeys() {
    if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY)
      return Promise.resolve({ publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY });
    keys ??= (async () => {
      const made = webpush.generateVAPIDKeys();
      await db
        .insert(pushKeys)
        .values({ id: 1, ...made })
        .onConflictDoNothing();
      const [row] = await db.select().from(pushKeys).where(eq(pushKeys.id, 1));
      return { publicKey: row!.publicKey, privateKey: row!.privateKey };
    })().catch((err) => {
      keys = null;
      throw err;
    });
    return keys;
  }

  const subject = () =>
    config.VAPID_SUBJECT ?? (config.PUBLIC_URL?.startsWith("https://") ? config.PUBLIC_URL : "mailto:admin@localhost");

  /** Sends one push; a 404/410 answer removes the subscription. Returns whether the push service took it. */
  async function pushTo(sub: { id: number; endpoint: string; p256dh: string; auth: string }, payload: PushPayload) {
    try {
      const { publicKey, privateKey } = await vapidKeys();
      const request = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        JSON.stringify(payload),
        { vapidDetails: { subject: subject(), publicKey, privateKey }, TTL: TTL_SECONDS, urgency: "high" },
      );
      const { "Content-Length": _length, ...headers } = request.headers as Record<string, string>;
      const init = {
        method: "POST",
        headers,
        body: request.body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      };
      // Endpoints come from browsers: only public https hosts, unless private hosts are allowed (a self-hosted setup).
      const res = config.GREEN_API_ALLOW_PRIVATE_HOSTS
        ? await send(request.endpoint, { ...init, redirect: "manual" })
        : await fetchPublic(new URL(request.endpoint), init, { fetch: send });
      await res.body?.cancel();
      if (res.status === 404 || res.status === 410) {
        await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, sub.id));
        metrics.pushes.inc({ result: "expired" });
        log.info({ subscription: sub.id, status: res.status }, "push subscription expired: removed");
        return false;
      }
      if (!res.ok) {
        metrics.pushes.inc({ result: "failed" });
        log.warn({ subscription: sub.id, status: res.status }, "push refused");
        return false;
      }
      await db.update(pushSubscriptions).set({ lastSuccessAt: new Date() }).where(eq(pushSubscriptions.id, sub.id));
      metrics.pushes.inc({ result: "sent" });
      return true;
    } catch (err) {
      metrics.pushes.inc({ result: "failed" });
      log.warn({ subscription: sub.id, err: err instanceof Error ? err.message : String(err) }, "push failed");
      return false;
    }
  }

  return { vapidKeys, pushTo };
}
