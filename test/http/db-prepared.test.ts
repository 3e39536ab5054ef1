// On PostgreSQL the app's statements run as named prepared statements: parsed once per connection, then planned
// generically, with one round trip each; statements with long IN lists stay unnamed (each length would stay prepared).
// Needs PostgreSQL: the one in DATABASE_URL, else a throwaway server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { instances } from "../../src/db/schema/index.ts";
import { queryRows } from "../../src/db/rows.ts";
import { testLog } from "../support/db.ts";
import { throwawayServer } from "../resilience/support.ts";

let server: Awaited<ReturnType<typeof throwawayServer>> | null = null;
let admin: postgres.Sql;
let database: Database;
const name = `gi_prepared_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  const serverUrl = loadConfig().DATABASE_URL;
  server = serverUrl ? null : await throwawayServer();
  admin = postgres(serverUrl ?? server!.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl ?? server!.url);
  url.pathname = `/${name}`;
  database = await openDatabase({ databaseUrl: url.toString(), dataDir: "unused", log: testLog });
}, 60_000);

afterAll(async () => {
  await database?.close();
  await admin?.unsafe(`drop database if exists ${name} with (force)`);
  await admin?.end();
  await server?.stop();
});

test("a statement run several times on one connection is prepared once and planned generically; a long IN list is not prepared", async () => {
  type Prepared = { statement: string; generic_plans: number; custom_plans: number };
  const prepared = await database.db.transaction(async (tx) => {
    // A transaction keeps to one connection: what it prepared is listed there.
    for (let i = 0; i < 8; i++) await tx.select({ id: instances.id }).from(instances).where(eq(instances.id, i));
    await tx
      .select({ id: instances.id })
      .from(instances)
      .where(
        inArray(
          instances.id,
          Array.from({ length: 40 }, (_, i) => i),
        ),
      );
    return queryRows<Prepared>(
      tx,
      sql`select statement, generic_plans::int, custom_plans::int from pg_prepared_statements`,
    );
  });
  const byId = prepared.filter((p) => /where "instances"."id" = \$1$/.test(p.statement));
  expect(byId).toHaveLength(1);
  // PostgreSQL plans the first five executions for their values, then settles on one generic plan.
  expect(byId[0]!.custom_plans + byId[0]!.generic_plans).toBe(8);
  expect(byId[0]!.generic_plans).toBeGreaterThan(0);
  expect(prepared.some((p) => p.statement.includes("$40"))).toBe(false);
});
