import { afterAll, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { createLogger } from "../lib/log.ts";
import { openDatabase } from "./client.ts";
import { MIGRATIONS_FOLDER } from "./migrate.ts";
import { pgliteTemplate, unpackTemplate } from "./pglite-template.ts";
import { queryRows } from "./rows.ts";

const log = createLogger("silent");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "gi-pglite-template-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("a fresh data folder starts from the template: every migration applied, only the app's database", async () => {
  const dataDir = tempDir();
  const database = await openDatabase({ dataDir, log });
  try {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    expect(await queryRows(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toEqual([
      { n: journal.entries.length },
    ]);
    expect(await queryRows(database.db, sql`select datname from pg_database`)).toEqual([{ datname: "template1" }]);
    expect(await queryRows(database.db, sql`select current_database() as db`)).toEqual([{ db: "template1" }]);
  } finally {
    await database.close();
  }
});

test("unpacking writes the WAL segment's zeros as holes and leaves no folder behind when the template is damaged", async () => {
  const template = await pgliteTemplate(log);
  const dir = join(tempDir(), "pglite");
  unpackTemplate(template, dir);
  expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
  const segment = readdirSync(join(dir, "pg_wal")).find((name) => /^[0-9A-F]{24}$/.test(name))!;
  const stat = statSync(join(dir, "pg_wal", segment));
  expect(stat.size).toBe(16 * 1024 * 1024);
  expect(stat.blocks * 512).toBeLessThan(stat.size);

  const damaged = join(tempDir(), "pglite");
  const truncated = Bun.gzipSync(Bun.gunzipSync(template).subarray(0, 200_000));
  expect(() => unpackTemplate(truncated, damaged)).toThrow("template truncated");
  expect(existsSync(damaged)).toBe(false);
  expect(existsSync(`${damaged}.unpacking`)).toBe(false);
});

test("a data folder holding files but no database is refused and left as it is", async () => {
  const dataDir = tempDir();
  mkdirSync(join(dataDir, "pglite"));
  writeFileSync(join(dataDir, "pglite", "something"), "not a database");
  const refused = await openDatabase({ dataDir, log }).catch((err: Error) => err.message);
  expect(refused).toContain("holds files but no database");
  expect(readdirSync(join(dataDir, "pglite"))).toEqual(["something"]);
  // Not locked by the refused start.
  expect(readdirSync(dataDir)).toEqual(["pglite"]);
});
