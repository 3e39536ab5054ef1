// Chat-list filters of the team workflow: tabs (Mine, Unassigned, All, Resolved) with counts, plus label, state,
// assignee and date range; they combine with the inbox's own instance filter and search.
import { and, eq, inArray, isNotNull, isNull, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { chats } from "../db/schema/index.ts";
import { visibleInstances } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { STATUSES } from "./state.ts";
import { TAB_COUNT_CAP } from "../lib/count-caps.ts";

const TABS = ["mine", "unassigned", "all", "resolved"] as const;
export type Tab = (typeof TABS)[number];

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(d)));
const optional = <T extends z.ZodType>(schema: T) =>
  z
    .union([z.literal(""), schema])
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .catch(undefined);

/** The team part of the chat-list query string; anything malformed is ignored rather than refused. */
export const teamListQuery = z.object({
  tab: z.enum(TABS).default("all").catch("all"),
  label: optional(z.coerce.number().int().positive()),
  status: optional(z.enum(STATUSES)),
  assignee: optional(z.union([z.literal("none"), z.coerce.number().int().positive()])),
  from: optional(day),
  to: optional(day),
});

export type TeamFilter = z.infer<typeof teamListQuery>;
export type TabCounts = Record<Tab, number>;

const hasLabel = (labelId: number) =>
  sql`exists (select 1 from chat_labels cl where cl.chat_id = ${chats.id} and cl.label_id = ${labelId})`;

/** The condition on `chats` for a filter (the tab, unless a state is chosen; with a search, "All" spans every state). */
export function teamWhere(user: SessionUser, f: TeamFilter, searching = false): SQL | undefined {
  const status = f.status
    ? eq(chats.status, f.status)
    : f.tab === "resolved"
      ? eq(chats.status, "resolved")
      : f.tab === "all" && searching
        ? undefined
        : ne(chats.status, "resolved");
  const tab =
    f.tab === "mine" ? eq(chats.assigneeId, user.id) : f.tab === "unassigned" ? isNull(chats.assigneeId) : undefined;
  const assignee =
    f.assignee === "none" ? isNull(chats.assigneeId) : f.assignee ? eq(chats.assigneeId, f.assignee) : undefined;
  return and(
    status,
    tab,
    assignee,
    f.label ? hasLabel(f.label) : undefined,
    f.from ? sql`${chats.lastMessageAt} >= ${f.from}::date` : undefined,
    f.to ? sql`${chats.lastMessageAt} < ${f.to}::date + 1` : undefined,
  );
}

export function createTabCounts(db: Db) {
  /** How many chats each tab holds for the user (within the instance and label filters), up to TAB_COUNT_CAP. */
  return async function tabCounts(
    user: SessionUser,
    opts: { instanceId?: number; label?: number } = {},
  ): Promise<TabCounts> {
    const scope = visibleInstances(user);
    if (scope !== "all" && scope.length === 0) return { mine: 0, unassigned: 0, all: 0, resolved: 0 };
    const visible = and(
      scope === "all" ? undefined : inArray(chats.instanceId, [...scope]),
      opts.instanceId === undefined ? undefined : eq(chats.instanceId, opts.instanceId),
      isNotNull(chats.lastMessageAt),
      opts.label ? hasLabel(opts.label) : undefined,
    );
    const open = ne(chats.status, "resolved");
    const capped = (tab: SQL | undefined) =>
      sql<number>`(select count(*)::int from (${db.select({ one: sql`1` }).from(chats).where(and(visible, tab)).limit(TAB_COUNT_CAP)}) t)`;
    const [row] = await db
      .select({
        mine: capped(and(eq(chats.assigneeId, user.id), open)),
        unassigned: capped(and(isNull(chats.assigneeId), open)),
        all: capped(open),
        resolved: capped(eq(chats.status, "resolved")),
      })
      .from(sql`(select 1) as one`);
    return row ?? { mine: 0, unassigned: 0, all: 0, resolved: 0 };
  };
}
