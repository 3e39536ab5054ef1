import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite, types, type QueryOptions } from "@electric-sql/pglite";
import { createLogger } from "../lib/log.ts";
import { PgliteConnection } from "./pglite-connection.ts";
import { pgliteOptions } from "./pglite.ts";
import { pgliteTemplate, unpackTemplate } from "./pglite-template.ts";

let dir: string;
let pg: PGlite;
let connection: PgliteConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gi-pglite-connection-"));
  unpackTemplate(await pgliteTemplate(createLogger("silent")), join(dir, "pglite"));
  pg = await PGlite.create(join(dir, "pglite"), await pgliteOptions());
  connection = new PgliteConnection(pg);
  await pg.exec(
    "create table things (id serial primary key, name text, body jsonb, at timestamptz); create table uniques (name text unique)",
  );
});
afterAll(async () => {
  await pg.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What drizzle passes: its own parsers keep dates and intervals as strings. */
const identity = (value: string) => value;
const drizzleOptions = (rowMode: "array" | "object"): QueryOptions => ({
  rowMode,
  parsers: {
    [types.TIMESTAMPTZ]: identity,
    [types.TIMESTAMP]: identity,
    [types.DATE]: identity,
    [types.INTERVAL]: identity,
  },
});

const cases: Array<[string, string, unknown[]]> = [
  [
    "every kind of parameter, serialized by its type",
    "select $1::int as a, $2::text as b, $3::bool as c, $4::jsonb as d, $5::timestamptz as e, $6::int8 as f, $7::int[] as g, $8::bytea as h, $9::text as i, $10::numeric as j",
    [
      42,
      'é "quoted" \' \\ text',
      true,
      { list: [1, "two", null], nested: { ok: false } },
      new Date("2026-12-07T10:00:00.123Z"),
      9007199254740993n,
      [1, 2, 3],
      new Uint8Array([0, 1, 255]),
      null,
      "12.50",
    ],
  ],
  [
    "no parameters (the simple protocol)",
    "select 'a' as t, 1::int8 as n, now() - now() as zero, array['x', 'y'] as arr",
    [],
  ],
  [
    "more parameters than are kept prepared",
    `select ${Array.from({ length: 20 }, (_, i) => `$${i + 1}::int`).join(" + ")} as total`,
    Array.from({ length: 20 }, (_, i) => i),
  ],
  [
    "an INSERT … RETURNING",
    "insert into things (name, body, at) values ($1, $2, $3) returning name, body, at",
    ["first", { n: 1 }, "2026-01-01 00:00:00+00"],
  ],
  ["an UPDATE (affected rows)", "update things set body = $1 where name = $2", [{ n: 2 }, "first"]],
];

test.each(cases)("answers as PGlite's own query() does: %s", async (_name, text, params) => {
  for (const options of [drizzleOptions("array"), drizzleOptions("object"), undefined]) {
    // Twice: the second time the statement is already prepared.
    for (let i = 0; i < 2; i++) {
      const ours = await connection.query(text, params, options);
      const theirs = await pg.query<Record<string, unknown>>(text, params, options);
      expect(ours).toEqual({ rows: theirs.rows, fields: theirs.fields, affectedRows: theirs.affectedRows ?? 0 });
    }
  }
});

test("a failed statement rejects with PGlite's DatabaseError (SQL state, the statement) and the connection goes on", async () => {
  await connection.query("insert into uniques (name) values ($1)", ["unique"]);
  const duplicate = await connection
    .query("insert into uniques (name) values ($1)", ["unique"])
    .catch((err: unknown) => err);
  expect(duplicate).toMatchObject({
    code: "23505",
    query: "insert into uniques (name) values ($1)",
    params: ["unique"],
  });
  const syntax = await connection.query("selec $1", [1]).catch((err: unknown) => err);
  expect(syntax).toMatchObject({ code: "42601" });
  // Not kept as prepared: the same text fails the same way again.
  expect(await connection.query("selec $1", [1]).catch((err: { code?: string }) => err.code)).toBe("42601");
  expect((await connection.query("select count(*)::int as n from uniques where name = $1", ["unique"])).rows).toEqual([
    { n: 1 },
  ]);
});

test("a transaction holds the connection: a statement from outside waits for its end; a failure rolls it back", async () => {
  let release!: () => void;
  let inserted!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const insertedOne = new Promise<void>((resolve) => (inserted = resolve));
  const order: string[] = [];
  const tx = connection.transaction(async (t) => {
    await t.query("insert into things (name) values ($1)", ["in a transaction"]);
    order.push("inserted");
    inserted();
    await held;
    order.push("committing");
  });
  // Queued behind the transaction: it must see the committed row.
  const outside = connection
    .query("select count(*)::int as n from things where name = $1", ["in a transaction"])
    .then((r) => {
      order.push("outside answered");
      return r.rows;
    });
  await insertedOne;
  // Give the outside statement every chance to run early.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  release();
  await tx;
  expect(await outside).toEqual([{ n: 1 }]);
  expect(order).toEqual(["inserted", "committing", "outside answered"]);

  const failed = await connection
    .transaction(async (t) => {
      await t.query("insert into things (name) values ($1)", ["rolled back"]);
      throw new Error("handler failed");
    })
    .catch((err: Error) => err.message);
  expect(failed).toBe("handler failed");
  expect(
    (await connection.query("select count(*)::int as n from things where name = $1", ["rolled back"])).rows,
  ).toEqual([{ n: 0 }]);
});

test("between a transaction's statements the event loop runs: data that arrived is read during it, not after it", async () => {
  const order: string[] = [];
  let accepted!: () => void;
  const acceptedOne = new Promise<void>((resolve) => (accepted = resolve));
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { open: () => accepted(), data: () => void order.push("data read") },
  });
  const client = await Bun.connect({ hostname: "127.0.0.1", port: server.port, socket: { data: () => {} } });
  try {
    await acceptedOne;
    await connection.transaction(async (t) => {
      // Like a webhook arriving while the intake's transaction works: in the socket, waiting for the event loop.
      client.write("a request");
      for (let n = 1; n <= 20; n++) {
        await t.query("select $1::int as n", [n]);
        order.push(`statement ${n}`);
      }
    });
  } finally {
    client.end();
    server.stop(true);
  }
  expect(order.indexOf("data read")).toBeGreaterThanOrEqual(0);
  expect(order.indexOf("data read")).toBeLessThan(order.indexOf("statement 20"));
});

test("a prepared statement whose result type changed (DDL) fails once, then is prepared again", async () => {
  await connection.query("create table reshaped (a int)");
  const text = "select * from reshaped where a = $1";
  expect((await connection.query(text, [1])).fields.map((f) => f.name)).toEqual(["a"]);
  await connection.query("alter table reshaped add column b int");
  expect(await connection.query(text, [1]).catch((err: { code?: string }) => err.code)).toBe("0A000");
  expect((await connection.query(text, [1])).fields.map((f) => f.name)).toEqual(["a", "b"]);
});
