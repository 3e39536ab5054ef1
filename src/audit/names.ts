// The names an audit page needs, looked up when it is shown: entries keep ids, so a renamed user reads with today's name.
import { inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type auditLog, chats, instances, users } from "../db/schema/index.ts";

type Row = typeof auditLog.$inferSelect;

/** Display names by id of the users, numbers and chats a page of entries mentions; an id not found is not in its map. */
export interface AuditNames {
  users: Map<number, string>;
  instances: Map<number, string>;
  chats: Map<number, string>;
}

/** The id in a target such as `user:12` when its kind matches. */
export function targetId(target: string | null, kind: "user" | "instance" | "chat"): number | null {
  const match = target?.match(/^(\w+):(\d+)$/);
  return match && match[1] === kind ? Number(match[2]) : null;
}

const ids = (values: unknown[]): number[] => [
  ...new Set(values.filter((v): v is number => typeof v === "number" && Number.isSafeInteger(v))),
];

/** A chat's name, else its phone number (`79001234567@c.us` → +79001234567). */
function chatName(row: { name: string | null; waChatId: string }): string {
  if (row.name) return row.name;
  const [id = "", server] = row.waChatId.split("@");
  return server === "c.us" ? `+${id}` : id;
}

export async function auditNames(db: Db, rows: Row[]): Promise<AuditNames> {
  const detail = (r: Row, key: string): unknown => (r.details as Record<string, unknown> | null)?.[key];
  const userIds = ids(
    rows.flatMap((r) => [
      r.userId,
      targetId(r.target, "user"),
      detail(r, "from"),
      detail(r, "to"),
      detail(r, "previousUserId"),
    ]),
  );
  const instanceIds = ids(
    rows.flatMap((r) => {
      const granted = detail(r, "instances");
      return [targetId(r.target, "instance"), detail(r, "instanceId"), ...(Array.isArray(granted) ? granted : [])];
    }),
  );
  const chatIds = ids(rows.flatMap((r) => [targetId(r.target, "chat"), detail(r, "chatId")]));
  const [u, i, c] = await Promise.all([
    userIds.length
      ? db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, userIds))
      : [],
    instanceIds.length
      ? db.select({ id: instances.id, name: instances.name }).from(instances).where(inArray(instances.id, instanceIds))
      : [],
    chatIds.length
      ? db
          .select({ id: chats.id, name: chats.name, waChatId: chats.waChatId })
          .from(chats)
          .where(inArray(chats.id, chatIds))
      : [],
  ]);
  return {
    users: new Map(u.map((r) => [r.id, r.name])),
    instances: new Map(i.map((r) => [r.id, r.name])),
    chats: new Map(c.map((r) => [r.id, chatName(r)])),
  };
}

/** Everyone the "who" filter offers, by display name. */
export function auditActors(db: Db): Promise<{ username: string; displayName: string }[]> {
  return db.select({ username: users.username, displayName: users.displayName }).from(users).orderBy(users.displayName);
}
