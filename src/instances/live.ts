// Live updates of instance pages: a small marker on EVENTS.instanceChanged tells open pages which part to re-fetch.
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";

/** Parts of an instance page that refresh on their own: its state/card, the QR code while linking, the history import. */
export type LivePart = "state" | "qr" | "history";

/**
 * Announces a change of one instance. Pages re-fetch the named part over HTTP (public/app.js), so every user sees it
 * in their language and with their rights; the event itself carries no secrets. `userId` limits it to one user.
 */
export function announceInstance(
  bus: EventBus,
  instanceId: number,
  part: LivePart,
  data: Record<string, unknown> = {},
  userId?: number,
): void {
  bus.publish({
    name: EVENTS.instanceChanged,
    instanceId,
    ...(userId === undefined ? {} : { userId }),
    data: { ...data, part, html: `<template data-instance="${instanceId}" data-part="${part}"></template>` },
  });
}
