// What the chat-list page needs from the team workflow: query conditions for the filters, tab counts, filter choices.
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { SessionUser } from "../auth/sessions.ts";
import { can, visibleInstances } from "../auth/permissions.ts";
import { users } from "../db/schema/index.ts";
import type { Db } from "../db/client.ts";
import type { Label } from "./labels.ts";
import { teamWhere, type TabCounts, type TeamFilter } from "./filters.ts";
import { teamOf, type TeamDeps } from "./index.ts";

export type { TeamFilter } from "./filters.ts";

export interface TeamListData {
  counts: TabCounts;
  labels: Label[];
  people: { id: number; displayName: string }[];
  /** Which team pages the user may open (links in the filter panel). */
  links: { labels: boolean; quickReplies: boolean };
  /** Whether round-robin assignment may pick this user. */
  available: boolean;
}

/** The list query's extra conditions: the filter, and search by the contact's name, notes and fields. */
export function teamListOptions(deps: TeamDeps, user: SessionUser, f: TeamFilter, q: string) {
  return { where: teamWhere(user, f, q.length > 0), searchAlso: q ? teamOf(deps).contacts.matching(q) : undefined };
}

/** Enabled users who share at least one instance with the user (assignee filter choices). */
async function colleagues(db: Db, user: SessionUser) {
  const scope = visibleInstances(user);
  const shares =
    scope === "all"
      ? sql`true`
      : scope.length
        ? sql`exists (select 1 from user_instances ui where ui.user_id = "users"."id" and ui.instance_id in (${sql.join(
            scope.map((id) => sql`${id}`),
            sql`, `,
          )}))`
        : sql`false`;
  return db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(and(eq(users.disabled, false), or(eq(users.isAdmin, true), shares, eq(users.id, user.id))))
    .orderBy(asc(users.displayName));
}

export async function teamListData(
  deps: TeamDeps,
  user: SessionUser,
  f: TeamFilter,
  instanceId?: number,
): Promise<TeamListData> {
  const team = teamOf(deps);
  const [counts, labels, people, available] = await Promise.all([
    team.tabCounts(user, { instanceId, label: f.label }),
    team.labels.list(),
    colleagues(deps.db, user),
    team.settings.isAvailable(user.id),
  ]);
  return {
    counts,
    labels,
    people,
    available,
    links: { labels: can(user, "admin"), quickReplies: can(user, "manageInstances") },
  };
}
