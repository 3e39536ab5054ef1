import { describe, expect, test } from "bun:test";
import {
  can,
  canAccessInstance,
  canEditQuickReplies,
  canManageInstance,
  canManageUser,
  grantRefusal,
  visibleInstances,
} from "./permissions.ts";
import type { SessionUser } from "./sessions.ts";

const user = (over: Partial<SessionUser>): SessionUser => ({
  id: 1,
  username: "u",
  displayName: "U",
  isAdmin: false,
  canManageUsers: false,
  canManageInstances: false,
  locale: null,
  instanceIds: [],
  ...over,
});

const admin = user({ isAdmin: true });
const agentA = user({ instanceIds: [1] });
const instanceManagerB = user({ canManageInstances: true, instanceIds: [2] });
const userManager = user({ canManageUsers: true });
const nobody = user({});

describe("permission gate matrix", () => {
  const cases: [
    string,
    SessionUser | null,
    { a: boolean; b: boolean; manageA: boolean; manageB: boolean; users: boolean; instances: boolean; admin: boolean },
  ][] = [
    ["admin", admin, { a: true, b: true, manageA: true, manageB: true, users: true, instances: true, admin: true }],
    [
      "agent of A",
      agentA,
      { a: true, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false },
    ],
    [
      "instance manager of B",
      instanceManagerB,
      { a: false, b: true, manageA: false, manageB: true, users: false, instances: true, admin: false },
    ],
    [
      "user manager",
      userManager,
      { a: false, b: false, manageA: false, manageB: false, users: true, instances: false, admin: false },
    ],
    [
      "no rights",
      nobody,
      { a: false, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false },
    ],
    [
      "anonymous",
      null,
      { a: false, b: false, manageA: false, manageB: false, users: false, instances: false, admin: false },
    ],
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
    expect([
      canEditQuickReplies(instanceManagerB, null),
      canEditQuickReplies(instanceManagerB, 2),
      canEditQuickReplies(instanceManagerB, 1),
    ]).toEqual([false, true, false]);
    expect([canEditQuickReplies(agentA, null), canEditQuickReplies(agentA, 1)]).toEqual([false, false]);
    expect(canEditQuickReplies(null, null)).toBe(false);
  });

  test("managing users: user managers reach only users within their own rights and numbers, and grant only what they hold", () => {
    const hrA = user({ canManageUsers: true, instanceIds: [1] });
    const rights = (
      over: Partial<{ isAdmin: boolean; canManageUsers: boolean; canManageInstances: boolean; instanceIds: number[] }>,
    ) => ({
      isAdmin: false,
      canManageUsers: false,
      canManageInstances: false,
      instanceIds: [] as number[],
      ...over,
    });
    const rows: [string, SessionUser | null, ReturnType<typeof rights>, boolean][] = [
      ["hr of A → agent of A", hrA, rights({ instanceIds: [1] }), true],
      ["hr of A → user without numbers", hrA, rights({}), true],
      ["hr of A → agent of A and B", hrA, rights({ instanceIds: [1, 2] }), false],
      ["hr of A → number manager of A", hrA, rights({ canManageInstances: true, instanceIds: [1] }), false],
      ["hr of A → admin", hrA, rights({ isAdmin: true }), false],
      ["hr of A → another hr of A", hrA, rights({ canManageUsers: true, instanceIds: [1] }), true],
      ["admin → admin", admin, rights({ isAdmin: true }), true],
      ["number manager → agent", instanceManagerB, rights({ instanceIds: [2] }), false],
      ["anonymous", null, rights({}), false],
    ];
    for (const [name, actor, target, expected] of rows)
      expect([name, canManageUser(actor, target)]).toEqual([name, expected]);
    expect(grantRefusal(hrA, rights({ isAdmin: true }))).toBe("adminsOnly");
    expect(grantRefusal(hrA, rights({ canManageInstances: true }))).toBe("rights");
    expect(grantRefusal(hrA, rights({ instanceIds: [2] }))).toBe("instances");
    expect(grantRefusal(hrA, rights({ canManageUsers: true, instanceIds: [1] }))).toBeNull();
    expect(grantRefusal(admin, rights({ isAdmin: true, instanceIds: [9] }))).toBeNull();
  });

  test("query scope: admins see all, others exactly their instances", () => {
    expect(visibleInstances(admin)).toBe("all");
    expect(visibleInstances(agentA)).toEqual([1]);
    expect(visibleInstances(nobody)).toEqual([]);
  });
});
