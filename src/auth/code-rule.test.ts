// The sign-in code rule as a table: policy × the user's flag, role, Telegram link and account age.
import { describe, expect, test } from "bun:test";
import { codeRule, type CodeRule } from "./code-rule.ts";

const now = new Date("2025-06-10T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe("codeRule", () => {
  const cases: Array<
    [
      string,
      "off" | "admins" | "everyone",
      { require2fa?: boolean; isAdmin?: boolean; telegram?: boolean; age?: number },
      CodeRule["kind"],
    ]
  > = [
    ["nothing asks for codes", "off", {}, "none"],
    ["an admin without the policy", "off", { isAdmin: true }, "none"],
    ["own flag, linked", "off", { require2fa: true, telegram: true }, "code"],
    ["own flag, not linked: link first, no grace", "off", { require2fa: true, age: 0 }, "link"],
    ["admins policy: an agent is not concerned", "admins", { age: 30 }, "none"],
    ["admins policy: a linked admin gets a code", "admins", { isAdmin: true, telegram: true }, "code"],
    ["admins policy: a new admin without Telegram is in grace", "admins", { isAdmin: true, age: 6 }, "grace"],
    ["admins policy: past the grace, link first", "admins", { isAdmin: true, age: 7 }, "link"],
    ["everyone: an agent without Telegram in grace", "everyone", { age: 1 }, "grace"],
    ["everyone: an old agent without Telegram links first", "everyone", { age: 400 }, "link"],
    ["everyone: own flag wins over grace", "everyone", { require2fa: true, age: 1 }, "link"],
  ];
  for (const [name, policy, u, expected] of cases) {
    test(name, () => {
      const user = {
        require2fa: u.require2fa ?? false,
        isAdmin: u.isAdmin ?? false,
        telegramUserId: u.telegram ? 42 : null,
        createdAt: daysAgo(u.age ?? 100),
      };
      expect(codeRule({ REQUIRE_2FA: policy, REQUIRE_2FA_GRACE_DAYS: 7 }, user, now).kind).toBe(expected);
    });
  }

  test("the grace ends its number of days after the account was created; 0 days means none", () => {
    const user = { require2fa: false, isAdmin: false, telegramUserId: null, createdAt: daysAgo(2) };
    expect(codeRule({ REQUIRE_2FA: "everyone", REQUIRE_2FA_GRACE_DAYS: 7 }, user, now)).toEqual({
      kind: "grace",
      until: new Date(daysAgo(2).getTime() + 7 * 86_400_000),
    });
    expect(codeRule({ REQUIRE_2FA: "everyone", REQUIRE_2FA_GRACE_DAYS: 0 }, user, now)).toEqual({ kind: "link" });
  });
});
