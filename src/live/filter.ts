// Decides whether a user's SSE stream may carry an event (the permission gate applied to live updates).
import { can, canAccessInstance } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { AppEvent } from "../events/bus.ts";

export function visibleTo(user: SessionUser, event: AppEvent): boolean {
  if (event.userId !== undefined && event.userId !== user.id) return false;
  if (event.instanceId !== undefined && !canAccessInstance(user, event.instanceId)) return false;
  if (event.capability !== undefined && !can(user, event.capability)) return false;
  return true;
}
