// Newest-first ordering matching the `… DESC NULLS LAST` indexes of chats and messages, so pages read them in index order.
import { sql, type AnyColumn, type SQL, type SQLWrapper } from "drizzle-orm";

export function newestFirst(...columns: (AnyColumn | SQLWrapper)[]): SQL[] {
  return columns.map((column) => sql`${column} desc nulls last`);
}
