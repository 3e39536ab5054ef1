import { beforeAll, describe, expect, test } from "bun:test";
import { resetDatabase, testDatabase } from "../../test/support/db.ts";
import { createUserService } from "../users/service.ts";
import { createSessionService } from "./sessions.ts";
import { createThrottle } from "./throttle.ts";
import type { Db } from "../db/client.ts";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/index.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let db: Db;
let userId: number;

beforeAll(async () => {
  await resetDatabase();
  db = (await testDatabase()).db;
  userId = (await createUserService(db).create({ username: "clock", password: "clock-password" })).id;
}, 30_000);

describe("sessions (idle expiry)", () => {
  test("refreshes last use at most hourly and expires after the idle TTL", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const sessions = createSessionService(db, 10, () => now);
    const { token, session } = await sessions.create(userId, { ip: "1.2.3.4" });
    expect(session.ip).toBe("1.2.3.4");

    now += 30 * 60_000; // 30 min: valid, not refreshed
    const early = (await sessions.validate(token))!;
    expect(early.session.lastVerifiedAt.getTime()).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(early.refreshed).toBe(false);

    now += 31 * 60_000; // > 1 h: refreshed (and the cookie is to be renewed)
    const late = (await sessions.validate(token))!;
    expect(late.refreshed).toBe(true);
    const refreshed = late.session.lastVerifiedAt.getTime();
    expect(refreshed).toBe(now);

    now = refreshed + 9 * DAY; // idle 9 days: still valid
    expect(await sessions.validate(token)).not.toBeNull();
    now += 10 * DAY; // idle 10 days after the last refresh: gone for good
    expect(await sessions.validate(token)).toBeNull();
    now -= 10 * DAY;
    expect(await sessions.validate(token)).toBeNull();
  });

  test("malformed tokens are refused without a query error", async () => {
    const sessions = createSessionService(db, 10);
    for (const bad of ["", ".", "abc", "a.b.c", `${"x".repeat(100)}.y`, "id.", ".secret"]) {
      expect(await sessions.validate(bad)).toBeNull();
    }
  });

  test("a disabled user's sessions stop working", async () => {
    const userService = createUserService(db);
    const u = await userService.create({ username: "leaver", password: "leaver-password" });
    const sessions = createSessionService(db, 10);
    const { token } = await sessions.create(u.id, {});
    expect(await sessions.validate(token)).not.toBeNull();
    await db.update(users).set({ disabled: true }).where(eq(users.id, u.id));
    expect(await sessions.validate(token)).toBeNull();
    expect(await userService.verifyPassword("leaver", "leaver-password")).toBeNull();
  });
});

describe("login throttle", () => {
  test("locks after the limit, per user and per IP, and unlocks when the time has passed", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const throttle = createThrottle(db, { maxFailures: 3, lockMinutes: 15, maxFailuresPerIp: 5, now: () => now });
    expect(await throttle.recordFailure("ivan", "10.0.0.9")).toBeNull();
    expect(await throttle.recordFailure("IVAN", "10.0.0.9")).toBeNull();
    const until = await throttle.recordFailure("ivan", "10.0.0.9");
    expect(until!.getTime()).toBe(now + 15 * 60_000);
    expect((await throttle.lockedUntil("Ivan", "10.9.9.9"))!.getTime()).toBe(until!.getTime());
    // Other users from the same address are not locked yet (3 of 5 IP failures).
    expect(await throttle.lockedUntil("petr", "10.0.0.9")).toBeNull();
    expect(await throttle.recordFailure("petr", "10.0.0.9")).toBeNull();
    expect(await throttle.recordFailure("olga", "10.0.0.9")).not.toBeNull(); // 5th from this IP
    expect(await throttle.lockedUntil("someone-else", "10.0.0.9")).not.toBeNull();

    now += 16 * 60_000;
    expect(await throttle.lockedUntil("ivan", "10.0.0.9")).toBeNull();
    // After a lock runs out, counting starts again from one.
    expect(await throttle.recordFailure("ivan", "10.0.0.10")).toBeNull();
  });

  test("a successful sign-in clears the user's count", async () => {
    const throttle = createThrottle(db, { maxFailures: 2, lockMinutes: 15 });
    await throttle.recordFailure("nina", "10.1.0.1");
    await throttle.recordSuccess("nina");
    expect(await throttle.recordFailure("nina", "10.1.0.1")).toBeNull();
  });
});
