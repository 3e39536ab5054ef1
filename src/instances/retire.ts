// Taking a number out: intake stops and the webhook is switched off, then the instance is disabled (history kept) or
// deleted with its history; both audited and announced to open pages.
import type { AppDeps } from "../env.ts";
import { type Actor, describeReason } from "./manage.ts";
import type { InstanceRow } from "./service.ts";
import { announceInstance } from "./live.ts";

/** Stops polling and the QR watcher; a webhook at Green-API is switched off (best effort: the number may be gone). */
async function stopIntake(deps: AppDeps, row: InstanceRow): Promise<void> {
  await deps.poller.stop(row.id);
  deps.qr.stop(row.id);
  if (row.intakeMode !== "webhook") return;
  await deps.gateway
    .call(row, "setSettings", "background", (c) => c.setSettings({ webhookUrl: "", webhookUrlToken: "" }), {
      maxAttempts: 1,
    })
    .catch((err) =>
      deps.log.info({ instanceId: row.id, reason: describeReason(err) }, "could not switch the webhook off"),
    );
}

/**
 * Retires the number but keeps its chats and messages: intake stops, the webhook at Green-API is switched off, the
 * instance stays, disabled (it can be enabled again). The command line's `instance remove --keep-history`.
 */
export async function retireInstance(deps: AppDeps, actor: Actor, row: InstanceRow): Promise<void> {
  await stopIntake(deps, row);
  await deps.instances.update(row.id, { enabled: false });
  await deps.audit.record({
    action: "instance.updated",
    userId: actor.userId,
    actor: actor.username,
    ip: actor.ip,
    target: `instance:${row.id}`,
    details: { changed: ["enabled"], retired: true, keptHistory: true, name: row.name },
  });
  announceInstance(deps.bus, row.id, "state", {});
}

/** Removes the instance and its history; intake is stopped first. */
export async function deleteInstance(deps: AppDeps, actor: Actor, row: InstanceRow): Promise<void> {
  await stopIntake(deps, row);
  await deps.instances.remove(row.id);
  deps.gateway.forget(row.id);
  await deps.audit.record({
    action: "instance.deleted",
    userId: actor.userId,
    actor: actor.username,
    ip: actor.ip,
    target: `instance:${row.id}`,
    details: { idInstance: row.idInstance, name: row.name },
  });
  announceInstance(deps.bus, row.id, "state", { deleted: true });
}
