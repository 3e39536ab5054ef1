// Keeps each instance's state in step with Green-API's notifications (state changes, monthly quota).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Intake } from "../greenapi/intake.ts";
import { announceInstance } from "./live.ts";

export function registerInstanceStateHandlers(intake: Intake, db: Db, bus: EventBus): void {
  intake.on("stateInstanceChanged", async (instanceId, event) => {
    if (event.typeWebhook !== "stateInstanceChanged") return;
    const state = event.stateInstance;
    await db
      .update(instances)
      .set({ state, wid: event.instanceData.wid || undefined })
      .where(eq(instances.id, instanceId));
    bus.publish({ name: EVENTS.instanceChanged, instanceId, data: { state } });
    // Open pages re-fetch the card / QR panel (the event above stays as other capabilities know it).
    announceInstance(bus, instanceId, "state");
  });

  intake.on("quotaExceeded", async (instanceId) => markQuotaExceeded(db, bus, instanceId));
}

/** The monthly quota ran out (a 466 answer or a quotaExceeded notification): users see it on the instance. */
export async function markQuotaExceeded(db: Db, bus: EventBus, instanceId: number): Promise<void> {
  await db.update(instances).set({ quotaExceededAt: new Date() }).where(eq(instances.id, instanceId));
  announceInstance(bus, instanceId, "state", { quotaExceeded: true });
}
