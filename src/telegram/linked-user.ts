// The app user a Telegram user is linked to, when that user may work the given number (an admin, or one of its team).
import { and, eq, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { userInstances, users } from "../db/schema/index.ts";

/** The enabled app user linked to `telegramUserId` who may see `instanceId`; undefined for anyone else. */
export async function linkedUser(
  db: Db,
  telegramUserId: number,
  instanceId: number,
): Promise<{ id: number } | undefined> {
  const access = sql`exists (select 1 from ${userInstances} ui where ui.user_id = ${users.id} and ui.instance_id = ${instanceId})`;
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(eq(users.telegramUserId, telegramUserId), eq(users.disabled, false), or(eq(users.isAdmin, true), access)),
    );
  return user;
}
