// `greeninbox backup` then `greeninbox restore FILE` through the real entry point: the data comes back in an empty
// database, a non-empty one is refused, and the restore is in the audit log. Runs on PostgreSQL with DATABASE_URL
// set (pg_dump/pg_restore), else on PGlite (its data-dir tarball).
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Database } from "../../src/db/client.ts";
import { auditLog, users } from "../../src/db/schema/index.ts";
import { createUserService } from "../../src/users/service.ts";
import { emptyTarget as newTarget, serverUrl, type EmptyTarget } from "../support/empty-db.ts";
import { run } from "./support.ts";

const targets: EmptyTarget[] = [];
afterAll(async () => {
  for (const t of targets) await t.remove().catch(() => {});
});

async function emptyTarget(): Promise<EmptyTarget> {
  const t = await newTarget();
  targets.push(t);
  return t;
}

async function usernames(database: Database): Promise<string[]> {
  const rows = await database.db.select({ username: users.username }).from(users).orderBy(users.username);
  return rows.map((r) => r.username);
}

test("back up, change data, restore into an empty database: the original data is back", async () => {
  const source = await emptyTarget();
  let db = await source.open();
  await createUserService(db.db).create({ username: "alice", password: "alice-password", isAdmin: true });
  await createUserService(db.db).create({ username: "bob", password: "bob-password" });
  await db.close();

  const made = await run(["backup"], source.env);
  expect(made.stderr).toBe("");
  expect(made.code).toBe(0);
  const [name] = made.stdout.trim().split("\t");
  expect(name).toMatch(
    serverUrl ? /^greeninbox-\d{8}-\d{6}-\d{3}\.dump$/ : /^greeninbox-\d{8}-\d{6}-\d{3}\.pglite\.tar\.gz$/,
  );
  const file = join(source.env.DATA_DIR!, "backups", name!);

  // Change the data after the backup.
  db = await source.open();
  await db.db.delete(users).where(eq(users.username, "bob"));
  await createUserService(db.db).create({ username: "carol", password: "carol-password" });
  expect(await usernames(db)).toEqual(["alice", "carol"]);
  await db.close();

  // A database that is not empty is refused, and left as it was.
  const refused = await run(["restore", file], source.env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("restore needs an empty");

  const target = await emptyTarget();
  const restored = await run(["restore", file], target.env);
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
  expect(restored.stdout).toContain(`restored ${file}`);

  db = await target.open();
  try {
    expect(await usernames(db)).toEqual(["alice", "bob"]);
    // The restored password hash still signs in.
    expect((await createUserService(db.db).verifyPassword("alice", "alice-password"))?.username).toBe("alice");
    const entries = await db.db.select().from(auditLog).where(eq(auditLog.action, "backup.restored"));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.target).toBe(name!);
  } finally {
    await db.close();
  }
  db = await source.open();
  expect(await usernames(db)).toEqual(["alice", "carol"]);
  await db.close();
}, 120_000);

test("restore refuses a file that is not a backup, and a backup of the other database kind", async () => {
  const target = await emptyTarget();
  const junk = join(target.env.DATA_DIR!, "notes.txt");
  await Bun.write(junk, "hello");
  const wrong = await run(["restore", junk], target.env);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain("is not a GreenInbox backup");

  const otherKind = join(
    target.env.DATA_DIR!,
    serverUrl ? "greeninbox-20260101-000000-000.pglite.tar.gz" : "greeninbox-20260101-000000-000.dump",
  );
  await Bun.write(otherKind, "x");
  const mismatch = await run(["restore", otherKind], target.env);
  expect(mismatch.code).toBe(1);
  expect(mismatch.stderr).toContain(serverUrl ? "unset DATABASE_URL" : "set DATABASE_URL");

  const missing = await run(["restore"], target.env);
  expect(missing.code).toBe(2);
}, 60_000);
