// Notification fan-out of the fake: webhook POSTs (serial per instance, with retries) or the polling queue.
import type { FakeInstance, World } from "./world.ts";
import { nowSeconds } from "./world.ts";

/** `instanceData` block of every notification. */
function instanceData(inst: FakeInstance) {
  return { idInstance: inst.idInstance, wid: inst.linked ? `${inst.phone}@c.us` : "", typeInstance: "whatsapp" };
}

/** Builds the common head of a notification body. */
export function head(inst: FakeInstance, typeWebhook: string) {
  return { typeWebhook, instanceData: instanceData(inst), timestamp: nowSeconds() };
}

/** True when the given settings flag is "yes". */
export function enabled(inst: FakeInstance, flag: keyof FakeInstance["settings"]): boolean {
  return inst.settings[flag] === "yes";
}

/** Emits one notification: to the webhook when webhookUrl is set, else to the receiveNotification queue. */
export function emit(world: World, inst: FakeInstance, body: Record<string, unknown>): void {
  if (inst.settings.webhookUrl) {
    inst.webhookQueue.push({ body, attempts: 0 });
    void deliver(world, inst);
    return;
  }
  enqueue(inst, body);
}

function enqueue(inst: FakeInstance, body: Record<string, unknown>): void {
  inst.notifications.push({ receiptId: ++inst.lastReceiptId, body });
  for (const wake of [...inst.waiters]) wake();
}

async function deliver(world: World, inst: FakeInstance): Promise<void> {
  if (inst.delivering) return;
  inst.delivering = true;
  try {
    while (inst.webhookQueue.length && !world.stopped) {
      const item = inst.webhookQueue[0]!;
      const { webhookUrl, webhookUrlToken } = inst.settings;
      if (!webhookUrl) {
        // Switched back to polling mode: what is left goes to the queue, in order.
        inst.webhookQueue.shift();
        enqueue(inst, item.body);
        continue;
      }
      item.attempts++;
      const authorization = webhookUrlToken ? `Bearer ${webhookUrlToken}` : null;
      const status = world.webhookDelivery ? await post(webhookUrl, item.body, authorization) : null;
      inst.webhookLog.push({
        typeWebhook: String(item.body.typeWebhook),
        status,
        attempt: item.attempts,
        authorization,
      });
      const ok = status !== null && status >= 200 && status < 300;
      if (ok || !world.webhookDelivery || item.attempts >= world.timings.webhookMaxAttempts) {
        inst.webhookQueue.shift();
        continue;
      }
      await world.sleep(world.timings.webhookRetryMs);
    }
  } finally {
    inst.delivering = false;
  }
}

async function post(url: string, body: unknown, authorization: string | null): Promise<number | null> {
  try {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (authorization) headers.Authorization = authorization;
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

/** Waits until a notification is queued or `ms` passes (receiveNotification long-poll). */
export function waitForNotification(world: World, inst: FakeInstance, ms: number): Promise<void> {
  if (inst.notifications.length || world.stopped) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      inst.waiters.delete(done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    inst.waiters.add(done);
  });
}
