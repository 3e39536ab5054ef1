// Who must sign in with a Telegram code: the user's own flag, or REQUIRE_2FA for admins or everyone with a grace period.
import type { Config } from "../config.ts";

export type CodeRule =
  /** The password is enough. */
  | { kind: "none" }
  /** A code goes to the linked Telegram account. */
  | { kind: "code" }
  /** Codes are required but no Telegram account is linked: link one first, then the code. */
  | { kind: "link" }
  /** REQUIRE_2FA applies but the account is within its grace period: let in, and remind to link before `until`. */
  | { kind: "grace"; until: Date };

const DAY_MS = 86_400_000;

/**
 * The second step this user's sign-in needs. The grace period counts from the account's creation (the app keeps no
 * date of when the rule first applied to someone): new users get REQUIRE_2FA_GRACE_DAYS to link Telegram, older
 * accounts are led to link at their next sign-in. A user's own flag has no grace: they chose codes (or an admin did).
 */
export function codeRule(
  config: Pick<Config, "REQUIRE_2FA" | "REQUIRE_2FA_GRACE_DAYS">,
  user: { require2fa: boolean; isAdmin: boolean; telegramUserId: number | null; createdAt: Date },
  now: Date,
): CodeRule {
  const byPolicy = config.REQUIRE_2FA === "everyone" || (config.REQUIRE_2FA === "admins" && user.isAdmin);
  if (!user.require2fa && !byPolicy) return { kind: "none" };
  if (user.telegramUserId !== null) return { kind: "code" };
  if (user.require2fa) return { kind: "link" };
  const until = new Date(user.createdAt.getTime() + config.REQUIRE_2FA_GRACE_DAYS * DAY_MS);
  return now < until ? { kind: "grace", until } : { kind: "link" };
}
