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

/** A user's rights as far as managing users goes: what one holds, or what a form would give. */
export interface Rights {
  isAdmin: boolean;
  canManageUsers: boolean;
  canManageInstances: boolean;
  instanceIds: readonly number[];
}

/** Whether every right and number of `rights` is also the actor's own. */
function within(actor: SessionUser, rights: Rights): boolean {
  return (
    !rights.isAdmin &&
    (!rights.canManageUsers || actor.canManageUsers) &&
    (!rights.canManageInstances || actor.canManageInstances) &&
    rights.instanceIds.every((id) => actor.instanceIds.includes(id))
  );
}

/**
 * May `actor` edit, reset the password of, or end the sessions of `target`? Admins: anyone. A user manager: users who
 * are not admins and whose rights and numbers are all among its own — so it cannot take over an account that reaches
 * further than it does (a manager of another number, an admin).
 */
export function canManageUser(actor: SessionUser | null, target: Rights): boolean {
  if (!actor || !can(actor, "manageUsers")) return false;
  return actor.isAdmin || within(actor, target);
}

/**
 * Why `actor` may not give `wanted` (null: it may). Only admins grant admin; others grant only rights and numbers they
 * hold themselves.
 */
export function grantRefusal(actor: SessionUser, wanted: Rights): "adminsOnly" | "rights" | "instances" | null {
  if (actor.isAdmin) return null;
  if (wanted.isAdmin) return "adminsOnly";
  if ((wanted.canManageUsers && !actor.canManageUsers) || (wanted.canManageInstances && !actor.canManageInstances))
    return "rights";
  if (!wanted.instanceIds.every((id) => actor.instanceIds.includes(id))) return "instances";
  return null;
}

/** The instance ids a query must be limited to; `"all"` for admins. */
export function visibleInstances(user: SessionUser): readonly number[] | "all" {
  return user.isAdmin ? "all" : user.instanceIds;
}
