// The permission gate: the one place that decides what a user may see and do.
import type { SessionUser } from "./sessions.ts";

export type Capability = "admin" | "manageUsers" | "manageInstances";

/** May this user do this account-wide thing? Admins may do everything. */
export function can(user: SessionUser | null, capability: Capability): boolean {
  if (!user) return false;
  if (user.isAdmin) return true;
  switch (capability) {
    case "admin":
      return false;
    case "manageUsers":
      return user.canManageUsers;
    case "manageInstances":
      return user.canManageInstances;
  }
}

/** May this user see (and work) this instance's chats, messages and media? */
export function canAccessInstance(user: SessionUser | null, instanceId: number): boolean {
  if (!user) return false;
  return user.isAdmin || user.instanceIds.includes(instanceId);
}

/** May this user change this instance's settings? Needs both the capability and access to it. */
export function canManageInstance(user: SessionUser | null, instanceId: number): boolean {
  return can(user, "manageInstances") && canAccessInstance(user, instanceId);
}

/**
 * May this user create, change or delete a quick reply of this scope? A number's own replies: whoever may manage that
 * number. Global ones (`null`, offered in every number): admins only, as they reach numbers the editor may not see.
 */
export function canEditQuickReplies(user: SessionUser | null, instanceId: number | null): boolean {
  return instanceId === null ? can(user, "admin") : canManageInstance(user, instanceId);
}

/** The instance ids a query must be limited to; `"all"` for admins. */
export function visibleInstances(user: SessionUser): readonly number[] | "all" {
  return user.isAdmin ? "all" : user.instanceIds;
}
