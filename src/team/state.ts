// Conversation state and assignment: open / pending / resolved, take, assign or transfer (with a note), round-robin.
// Every change writes a system line into the conversation, tells open pages (chatUpdated, team.tabs) and the assignee
// (notify.ts).
import { and, asc, eq, or, sql } from "drizzle-orm";
import {
  assignChat,
  claimUnassignedChat,
  directContext,
  setChatStatus,
  writeSystemLine,
  type ConversationHooks,
  type EventContext,
} from "../conversations/index.ts";
import type { Db } from "../db/client.ts";
import { idList, queryRows } from "../db/rows.ts";
import { chats, instances, userInstances, users, type SystemEvent } from "../db/schema/index.ts";
import type { AppEvent, EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { notifyAssignee as notifyAssigneeOf } from "./notify.ts";

export const STATUSES = ["open", "pending", "resolved"] as const;
export type ChatStatus = (typeof STATUSES)[number];

export interface Actor {
  id: number;
  displayName: string;
}

/** What an assignment did (the system line says the same): who had the chat before, who has it now. */
export interface Assignment {
  kind: "took" | "assigned" | "transferred" | "unassigned" | "autoAssigned";
  from: number | null;
  to: number | null;
}

export interface TeamStateOptions {
  db: Db;
  bus: EventBus;
  /** Where chatAssigned is published (Telegram tells the assignee's linked account). */
  hooks: ConversationHooks;
  /** Language of system lines' stored text (search, Telegram); pages render each line in the reader's language. */
  locale: Locale;
  /**
   * Inside a transaction (the intake's, for incoming messages): writes go through it and announcements wait for its
   * commit. Default: the database directly, announcements at once.
   */
  ctx?: EventContext;
}

/** Users who may work the instance (admins and users granted it), enabled; `available` for auto-assignment. */
function assignableWhere(instanceId: number) {
  const access = sql`exists (select 1 from ${userInstances} ui where ui.user_id = "users"."id" and ui.instance_id = ${instanceId})`;
  return and(eq(users.disabled, false), or(eq(users.isAdmin, true), access));
}

export function createTeamState(opts: TeamStateOptions) {
  const ctx = opts.ctx ?? directContext(opts.db);
  const { db } = ctx;
  const t = translator(opts.locale);
  /** Announces on the bus after the commit (at once outside a transaction). */
  const publish = (event: AppEvent) => ctx.defer(() => opts.bus.publish(event));

  /** Writes a system line (a key and names, no words) into the chat and announces it (bubble and row live). */
  async function systemLine(
    chat: { id: number; instanceId: number },
    event: SystemEvent,
    actor: Actor | null,
  ): Promise<number> {
    const id = await writeSystemLine(db, chat, event, actor, t);
    publish({ name: EVENTS.messageCreated, instanceId: chat.instanceId, data: { messageId: id, chatId: chat.id } });
    return id;
  }

  function changed(chat: { id: number; instanceId: number }): void {
    publish({ name: EVENTS.chatUpdated, instanceId: chat.instanceId, data: { chatId: chat.id } });
    publish({ name: EVENTS.teamTabs, instanceId: chat.instanceId, data: { chatId: chat.id } });
  }

  const tell = { ctx, hooks: opts.hooks, locale: opts.locale, publish };
  const notifyAssignee = (
    chat: { id: number; instanceId: number },
    assigneeId: number,
    by: Actor | null,
    note: string | null,
  ) => notifyAssigneeOf(tell, chat, assigneeId, by, note);

  async function chatOf(chatId: number) {
    const [row] = await db
      .select({ id: chats.id, instanceId: chats.instanceId, status: chats.status, assigneeId: chats.assigneeId })
      .from(chats)
      .where(eq(chats.id, chatId));
    return row;
  }

  async function displayName(userId: number): Promise<string | null> {
    const [row] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
    return row?.name ?? null;
  }

  /** Round robin among available managers of the instance (when the instance has it on); returns the assignee. */
  async function autoAssign(chat: { id: number; instanceId: number }): Promise<number | null> {
    const [on] = await db
      .select({ id: instances.id })
      .from(instances)
      .where(and(eq(instances.id, chat.instanceId), eq(instances.autoAssign, true)));
    if (!on) return null;
    const pick = await db.transaction(async (tx) => {
      const [instance] = await tx
        .select({ autoAssign: instances.autoAssign, last: instances.lastAssignedUserId })
        .from(instances)
        .where(eq(instances.id, chat.instanceId))
        .for("update");
      if (!instance?.autoAssign) return null;
      const candidates = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(assignableWhere(chat.instanceId), eq(users.available, true)))
        .orderBy(asc(users.id));
      if (candidates.length === 0) return null;
      const next = candidates.find((c) => c.id > (instance.last ?? 0)) ?? candidates[0]!;
      if (!(await claimUnassignedChat(tx as unknown as Db, chat.id, next.id))) return null;
      await tx.update(instances).set({ lastAssignedUserId: next.id }).where(eq(instances.id, chat.instanceId));
      return next.id;
    });
    if (pick === null) return null;
    const name = (await displayName(pick)) ?? "?";
    await systemLine(chat, { key: "team.line.autoAssigned", params: { to: name } }, null);
    await notifyAssignee(chat, pick, null, null);
    return pick;
  }

  return {
    autoAssign,

    /** Users one may assign this instance's chats to, by name. */
    async assignable(instanceId: number): Promise<{ id: number; displayName: string; available: boolean }[]> {
      return db
        .select({ id: users.id, displayName: users.displayName, available: users.available })
        .from(users)
        .where(assignableWhere(instanceId))
        .orderBy(asc(users.displayName), asc(users.id));
    },

    /**
     * Assigns the chat to `assigneeId` (null = unassign) on behalf of `actor`, with an optional note shown in the system
     * line. Returns what it did; null when the assignee may not see the instance (nothing changes) or nothing changed.
     */
    async assign(
      chatId: number,
      assigneeId: number | null,
      actor: Actor | null,
      note: string | null = null,
    ): Promise<Assignment | null> {
      const chat = await chatOf(chatId);
      if (!chat) return null;
      let assigneeName: string | null = null;
      if (assigneeId !== null) {
        const [ok] = await db
          .select({ name: users.displayName })
          .from(users)
          .where(and(eq(users.id, assigneeId), assignableWhere(chat.instanceId)));
        if (!ok) return null;
        assigneeName = ok.name;
      }
      const updated = await assignChat(db, chatId, assigneeId);
      if (!updated && !note) return null;
      const kind: Assignment["kind"] =
        assigneeId === null
          ? "unassigned"
          : actor && actor.id === assigneeId
            ? "took"
            : chat.assigneeId !== null && chat.assigneeId !== assigneeId
              ? "transferred"
              : actor
                ? "assigned"
                : "autoAssigned";
      const params: NonNullable<SystemEvent["params"]> = { to: assigneeName ?? "" };
      if (actor) params.by = actor.displayName;
      if (note) params.note = note;
      await systemLine(chat, { key: `team.line.${kind}`, params }, actor);
      changed(chat);
      if (assigneeId !== null) await notifyAssignee(chat, assigneeId, actor, note);
      return { kind, from: chat.assigneeId, to: assigneeId };
    },

    /** Sets open / pending / resolved; false when it already was. */
    async setStatus(chatId: number, status: ChatStatus, actor: Actor | null): Promise<boolean> {
      const chat = await chatOf(chatId);
      if (!chat) return false;
      if (!(await setChatStatus(db, chatId, status))) return false;
      const key =
        status === "resolved"
          ? "team.line.resolved"
          : status === "pending"
            ? "team.line.pending"
            : "team.line.reopened";
      await systemLine(chat, { key, params: actor ? { by: actor.displayName } : {} }, actor);
      changed(chat);
      return true;
    },

    /**
     * After customers' messages were stored, with their chats as they were before: a resolved (or pending) chat opens
     * again; an unassigned chat of an instance with auto-assignment goes to the next available manager (round robin).
     */
    async onIncoming(
      list: Array<{ id: number; instanceId: number; status: string; assigneeId: number | null }>,
    ): Promise<void> {
      const unassigned = [...new Set(list.filter((c) => c.assigneeId === null).map((c) => c.instanceId))];
      const autoOn = unassigned.length
        ? new Set(
            // Hand-written: read for every batch of customers' messages, as fixed text (one prepared statement, nothing
            // to build); bench/RESULTS.md, Ingest, session 4: builder ≈ 8 % of app CPU, 121–126 → 106–108 µs/webhook.
            (
              await queryRows<{ id: number }>(
                db,
                sql`
              select id from instances where auto_assign and id in ${idList(unassigned)}`,
              )
            ).map((r) => r.id),
          )
        : new Set<number>();
      for (const chat of list) {
        let changes = false;
        if (chat.status !== "open") {
          const reopened = await setChatStatus(db, chat.id, "open");
          if (reopened && chat.status === "resolved")
            await systemLine(chat, { key: "team.line.reopenedByCustomer" }, null);
          changes = reopened;
        }
        if (chat.assigneeId === null && autoOn.has(chat.instanceId) && (await autoAssign(chat)) !== null)
          changes = true;
        // (Tab counts also refresh on the inbox's own live frames, e.g. for a new chat.)
        if (changes) changed(chat);
      }
    },
  };
}
