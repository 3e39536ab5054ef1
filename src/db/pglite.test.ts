import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createLogger } from "../lib/log.ts";
import { PgliteConnection } from "./pglite-connection.ts";
import { checkpointIfDue, pgliteOptions } from "./pglite.ts";
import { pgliteTemplate, unpackTemplate } from "./pglite-template.ts";

let dir: string;
let pg: PGlite;
let connection: PgliteConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gi-pglite-"));
  unpackTemplate(await pgliteTemplate(createLogger("silent")), join(dir, "pglite"));
  pg = await PGlite.create(join(dir, "pglite"), await pgliteOptions());
  connection = new PgliteConnection(pg);
});
afterAll(async () => {
  await pg.close();
  rmSync(dir, { recursive: true, force: true });
});

const setting = async (name: string) =>
  ((await connection.query(`select current_setting('${name}') as v`)).rows[0] as { v: string }).v;
const redo = async () =>
  ((await connection.query("select redo_lsn::text as lsn from pg_control_checkpoint()")).rows[0] as { lsn: string })
    .lsn;

test("PostgreSQL runs with the small settings, in the app's database", async () => {
  expect(await setting("shared_buffers")).toBe("4MB");
  expect(await setting("max_connections")).toBe("4");
  expect(((await connection.query("select current_database() as db")).rows[0] as { db: string }).db).toBe("template1");
});

test("a checkpoint comes once enough WAL was written since the last (single-user mode never takes one by itself)", async () => {
  await connection.query("create table filler (body text)");
  await connection.query("checkpoint");
  const before = await redo();
  expect(await checkpointIfDue(connection, 1024 * 1024)).toBe(false);
  await connection.query("insert into filler select repeat('x', 1000) from generate_series(1, 3000)");
  expect(await redo()).toBe(before);
  expect(await checkpointIfDue(connection, 1024 * 1024)).toBe(true);
  expect(await redo()).not.toBe(before);
  expect(await checkpointIfDue(connection, 1024 * 1024)).toBe(false);
});
