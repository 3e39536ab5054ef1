import { describe, expect, test } from "bun:test";
import { can, canAccessInstance, canEditQuickReplies, canManageInstance, visibleInstances } from "./permissions.ts";
import type { SessionUser } from "./sessions.ts";

const user = (over: Partial<SessionUser>): SessionUser => ({
  id: 1, username: "u", displayName: "U", isAdmin: false, canManageUsers: false, canManageInstances: false, locale: null, instanceIds: [], ...over,
});

const admin = user({ isAdmin: true });
const agentA = user({ instanceIds: [1] });
const instanceManagerB = user({ canManageInstances: true, instanceIds: [2] });
const userManager = user({ canManageUsers: true });
const nobody = user({});

describe("permission gate matrix", () => {
  const cases: [string, SessionUser | null, { a: boolean; b: boolean; manageA: boolean; manageB: boolean; users: boolean; instances: boolean; admin: boolean }][] = [
    ["admin", admin, { a: true, b: true, manageA: true, manageB: true, users: true, instances: true, admin: true }],
    ["agent of A", agentA, { a: true, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false }],
    ["instance manager of B", instanceManagerB, { a: false, b: true, manageA: false, manageB: true, users: false, instances: true, admin: false }],
    ["user manager", userManager, { a: false, b: false, manageA: false, manageB: false, users: true, instances: false, admin: false }],
    ["no rights", nobody, { a: false, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false }],
    ["anonymous", null, { a: false, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false }],
  ];
  for (const [name, u, expected] of cases) {
    test(name, () => {
      expect({
        a: canAccessInstance(u, 1),
        b: canAccessInstance(u, 2),
        manageA: canManageInstance(u, 1),
        manageB: canManageInstance(u, 2),
        users: can(u, "manageUsers"),
        instances: can(u, "manageInstances"),
        admin: can(u, "admin"),
      }).toEqual(expected);
    });
  }

  test("quick replies: a number's own for whoever manages it, global ones for admins only", () => {
    expect([canEditQuickReplies(admin, null), canEditQuickReplies(admin, 2)]).toEqual([true, true]);
    expect([canEditQuickReplies(instanceManagerB, null), canEditQuickReplies(instanceManagerB, 2), canEditQuickReplies(instanceManagerB, 1)]).toEqual([false, true, false]);
    expect([canEditQuickReplies(agentA, null), canEditQuickReplies(agentA, 1)]).toEqual([false, false]);
    expect(canEditQuickReplies(null, null)).toBe(false);
  });

  test("query scope: admins see all, others exactly their instances", () => {
    expect(visibleInstances(admin)).toBe("all");
    expect(visibleInstances(agentA)).toEqual([1]);
    expect(visibleInstances(nobody)).toEqual([]);
  });
});
