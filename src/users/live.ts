// Live users page: any change to accounts, rights, sessions or sign-ins tells open users pages to re-fetch their list.
import type { AuditEntry } from "../audit/service.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";

/** Announces that the users list changed; only users who may manage users hear it, and it carries no details. */
function announceUsers(bus: EventBus): void {
  bus.publish({ name: EVENTS.usersChanged, capability: "manageUsers", data: {} });
}

/** Audit entries that change what the users list shows (status, lock, sessions, last seen). */
const SHOWN = /^(auth\.(login|loginLocked|logout|setup)|user\.|sessions\.)/;

/** An audit listener announcing the entries above (wired in src/deps.ts). */
export function usersAuditListener(bus: EventBus): (entry: AuditEntry) => void {
  return (entry) => {
    if (
      SHOWN.test(entry.action) &&
      entry.action !== "user.passwordChangeFailed" &&
      entry.action !== "user.localeChanged"
    )
      announceUsers(bus);
  };
}
