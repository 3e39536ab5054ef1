// Backup files and tools without a database: names, rotation, lookup, schedule, and the errors of pg_dump.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupStem, fileName, listBackups, parseName, resolveBackup, rotate } from "./files.ts";
import { backupDue } from "./service.ts";
import { BackupError, libpqTarget, runTool } from "./tools.ts";

const dir = mkdtempSync(join(tmpdir(), "gi-backup-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("names carry a UTC stamp and a kind; anything else is not ours", () => {
  const stem = backupStem(new Date("2026-11-25T18:53:41.123Z"), dir);
  expect(stem).toBe("greeninbox-20261125-185341-123");
  expect(parseName(fileName(stem, "pglite"))).toEqual({ stem, kind: "pglite" });
  expect(parseName(fileName(stem, "media"))).toEqual({ stem, kind: "media" });
  for (const bad of [
    "../greeninbox-20261125-185341-123.dump",
    "greeninbox-20261125-185341-123.dump/..",
    "x.dump",
    "greeninbox-20261125-185341.dump",
    ".greeninbox-20261125-185341-123.dump.partial",
  ])
    expect(parseName(bad)).toBeNull();
  expect(resolveBackup(dir, "../../etc/passwd")).toBeNull();
});

test("a taken stem is never reused", () => {
  const at = new Date("2026-01-02T03:04:05.006Z");
  const first = backupStem(at, dir);
  writeFileSync(join(dir, fileName(first, "postgres")), "x");
  expect(backupStem(at, dir)).toBe("greeninbox-20260102-030405-007");
});

test("rotation keeps exactly the newest N database backups with their media archives", () => {
  rmSync(dir, { recursive: true, force: true });
  const d = mkdtempSync(join(tmpdir(), "gi-rotate-"));
  for (let i = 0; i < 7; i++) {
    const stem = backupStem(new Date(Date.UTC(2026, 0, 1, 0, 0, i)), d);
    writeFileSync(join(d, fileName(stem, "postgres")), "db");
    if (i % 2 === 0) writeFileSync(join(d, fileName(stem, "media")), "media");
  }
  writeFileSync(join(d, "notes.txt"), "not a backup");
  rotate(d, 3);
  const left = readdirSync(d).sort();
  expect(left.filter((n) => n.endsWith(".dump"))).toEqual([
    "greeninbox-20260101-000004-000.dump",
    "greeninbox-20260101-000005-000.dump",
    "greeninbox-20260101-000006-000.dump",
  ]);
  expect(left.filter((n) => n.endsWith("-media.tar.gz"))).toEqual([
    "greeninbox-20260101-000004-000-media.tar.gz",
    "greeninbox-20260101-000006-000-media.tar.gz",
  ]);
  expect(left).toContain("notes.txt");
  const listed = listBackups(d);
  expect(listed.map((b) => b.name)[0]).toBe("greeninbox-20260101-000006-000.dump");
  expect(listed[0]!.media?.name).toBe("greeninbox-20260101-000006-000-media.tar.gz");
  expect(listed[1]!.media).toBeUndefined();
  rmSync(d, { recursive: true, force: true });
});

test("the schedule: due when the newest backup is an interval old, a failure waits an hour", () => {
  const h = 3_600_000;
  expect(backupDue({ newestAt: null, lastErrorAt: null, intervalMs: 12 * h, now: 100 * h })).toBe(true);
  expect(backupDue({ newestAt: 90 * h, lastErrorAt: null, intervalMs: 12 * h, now: 100 * h })).toBe(false);
  expect(backupDue({ newestAt: 88 * h, lastErrorAt: null, intervalMs: 12 * h, now: 100 * h })).toBe(true);
  expect(backupDue({ newestAt: 80 * h, lastErrorAt: 99.5 * h, intervalMs: 12 * h, now: 100 * h })).toBe(false);
  expect(backupDue({ newestAt: 80 * h, lastErrorAt: 98 * h, intervalMs: 12 * h, now: 100 * h })).toBe(true);
});

test("the password goes in PGPASSWORD, not on the command line", () => {
  expect(libpqTarget("postgres://gi:s%40cret@db:5432/inbox")).toEqual({
    url: "postgres://gi@db:5432/inbox",
    env: { PGPASSWORD: "s@cret" },
  });
  expect(libpqTarget("postgresql://gi@db/inbox")).toEqual({ url: "postgresql://gi@db/inbox", env: {} });
});

test("pg_dump errors: missing, older than the server, other failures", async () => {
  const missing = await runTool("pg_dump_gi_absent", []).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(BackupError);
  expect((missing as BackupError).reason).toBe("toolMissing");
  expect((missing as BackupError).message).toContain("install the PostgreSQL client tools");

  const d = mkdtempSync(join(tmpdir(), "gi-fake-pg-"));
  const fake = join(d, "pg_dump");
  writeFileSync(
    fake,
    `#!/bin/sh\necho "pg_dump: error: aborting because of server version mismatch" >&2\necho "pg_dump: detail: server version: 17.2; pg_dump version: 15.20" >&2\nexit 1\n`,
  );
  chmodSync(fake, 0o755);
  const mismatch = (await runTool(fake, []).catch((e: unknown) => e)) as BackupError;
  expect(mismatch.reason).toBe("versionMismatch");
  expect(mismatch.message).toContain("15.20 is older than the PostgreSQL 17.2 server");
  expect(mismatch.message).toContain("postgresql-client-17");

  writeFileSync(fake, `#!/bin/sh\necho "pg_dump: error: connection refused" >&2\nexit 1\n`);
  const failed = (await runTool(fake, []).catch((e: unknown) => e)) as BackupError;
  expect(failed.reason).toBe("failed");
  expect(failed.message).toContain("connection refused");
  rmSync(d, { recursive: true, force: true });
});
