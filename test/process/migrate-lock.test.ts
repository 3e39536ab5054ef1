// Upgrades: several processes starting together on one empty database apply the migrations exactly once. On
// PostgreSQL (DATABASE_URL set) they serialise on an advisory lock and all succeed; on PGlite the data-dir lock lets
// one in and the others stop with a clear message.
import { afterAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import journal from "../../drizzle/meta/_journal.json" with { type: "json" };
import { openDatabase } from "../../src/db/client.ts";
import { testLog } from "../support/db.ts";
import { emptyTarget, serverUrl, type EmptyTarget } from "../support/empty-db.ts";
import { run } from "./support.ts";

let target: EmptyTarget | undefined;
afterAll(async () => {
  await target?.remove();
});

test("three processes migrating one empty database at once apply every migration exactly once", async () => {
  target = await emptyTarget();
  const results = await Promise.all([1, 2, 3].map(() => run(["migrate"], target!.env)));
  for (const r of results) {
    if (serverUrl) expect(r).toMatchObject({ code: 0, stderr: "" });
    else if (r.code !== 0) expect(r.stderr).toContain("in use by another GreenInbox process");
  }
  expect(results.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);

  const database = await openDatabase({
    databaseUrl: target.env.DATABASE_URL,
    dataDir: target.env.DATA_DIR,
    log: testLog,
    migrate: false,
  });
  try {
    const result = await database.db.execute(
      sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`,
    );
    const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
      hash: string;
      n: number;
    }[];
    expect(rows).toHaveLength(journal.entries.length);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
  } finally {
    await database.close();
  }
}, 90_000);
