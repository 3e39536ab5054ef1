// Raw statements that work the same on postgres.js and PGlite.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";

/** The rows a raw statement returns, whichever driver runs it (postgres.js answers the array, PGlite `{ rows }`). */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * Many rows as ONE jsonb parameter, for `jsonb_to_recordset(…) as x(col type, …)`: the statement's text stays the same
 * whatever the number of rows (one prepared statement, no per-row query building). JSON null becomes SQL NULL.
 */
export function jsonRows(rows: readonly object[]): SQL {
  return sql`${JSON.stringify(rows)}::jsonb`;
}

/** Ids as ONE jsonb parameter, for `where id in ${idList(ids)}`: the same statement text whatever the number of ids. */
export function idList(ids: readonly number[], type: "int" | "bigint" = "int"): SQL {
  return sql`(select value::${sql.raw(type)} from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
}
