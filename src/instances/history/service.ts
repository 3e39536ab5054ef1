// History imports in the database: one row per run, its progress saved after every call so a restart resumes.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { queryRows } from "../../db/rows.ts";
import { chats, historyImports, messages } from "../../db/schema/index.ts";
import { CHAT_CAP } from "./paging.ts";

export type ImportRow = typeof historyImports.$inferSelect;

/** What the progress bar shows. */
export interface ImportProgress {
  id: number;
  status: ImportRow["status"];
  /** Still listing chats (total not known yet). */
  listing: boolean;
  chatsTotal: number;
  chatsDone: number;
  messagesImported: number;
  /** The chat being read is long: the last call asked for its newest this many messages (0: not a long one). */
  headCount: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** Seconds left, estimated from the pace so far; null while unknown. */
  etaSeconds: number | null;
  /** 0–100. */
  percent: number;
}

/** Progress of a row: the pace so far (time per chat) times the chats left. */
export function progressOf(row: ImportRow, now = Date.now()): ImportProgress {
  const listing = row.status === "running" && row.chatsTotal === 0;
  const left = Math.max(0, row.chatsTotal - row.chatsDone);
  const elapsed = (now - row.startedAt.getTime()) / 1000;
  const etaSeconds =
    row.status === "running" && row.chatsDone > 0 && !listing ? Math.round((elapsed / row.chatsDone) * left) : null;
  const percent =
    row.status === "done" ? 100 : row.chatsTotal > 0 ? Math.floor((100 * row.chatsDone) / row.chatsTotal) : 0;
  return {
    id: row.id,
    status: row.status,
    listing,
    chatsTotal: row.chatsTotal,
    chatsDone: row.chatsDone,
    messagesImported: row.messagesImported,
    headCount: row.headCount,
    error: row.error,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    etaSeconds,
    percent,
  };
}

export function createHistoryStore(db: Db) {
  return {
    /** The newest import of an instance. */
    async latest(instanceId: number): Promise<ImportRow | undefined> {
      const [row] = await db
        .select()
        .from(historyImports)
        .where(eq(historyImports.instanceId, instanceId))
        .orderBy(desc(historyImports.id))
        .limit(1);
      return row;
    },

    async get(id: number): Promise<ImportRow | undefined> {
      const [row] = await db.select().from(historyImports).where(eq(historyImports.id, id));
      return row;
    },

    /** Imports to resume (or to start: rows created by another process). */
    async running(): Promise<ImportRow[]> {
      return db.select().from(historyImports).where(eq(historyImports.status, "running")).orderBy(historyImports.id);
    },

    async hasAny(instanceId: number): Promise<boolean> {
      const [row] = await db
        .select({ id: historyImports.id })
        .from(historyImports)
        .where(eq(historyImports.instanceId, instanceId))
        .limit(1);
      return row !== undefined;
    },

    /**
     * Creates a running import unless one is running for the instance (the check and the insert hold a transaction
     * lock on the instance, so two clicks or two processes start one import).
     */
    async create(instanceId: number): Promise<{ row: ImportRow; created: boolean }> {
      return db.transaction(async (tx) => {
        // Hand-written: an advisory lock (a PostgreSQL function, no table to build a query on).
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('history_import'), ${instanceId})`);
        const [running] = await tx
          .select()
          .from(historyImports)
          .where(and(eq(historyImports.instanceId, instanceId), eq(historyImports.status, "running")));
        if (running) return { row: running, created: false };
        const [row] = await tx.insert(historyImports).values({ instanceId }).returning();
        return { row: row!, created: true };
      });
    },

    /** The chat list is known: every chat is pending. */
    async setPending(id: number, waChatIds: string[]): Promise<boolean> {
      const updated = await db
        .update(historyImports)
        .set({ pendingChats: waChatIds, chatsTotal: waChatIds.length, chatsDone: 0, headCount: 0 })
        .where(and(eq(historyImports.id, id), eq(historyImports.status, "running")))
        .returning({ id: historyImports.id });
      return updated.length > 0;
    },

    /**
     * The head chat answered as many messages as asked (`count`): a restart asks it for more instead of starting over.
     * False when the import is no longer running (cancelled).
     */
    async headAsked(id: number, count: number): Promise<boolean> {
      const updated = await db
        .update(historyImports)
        .set({ headCount: count })
        .where(and(eq(historyImports.id, id), eq(historyImports.status, "running")))
        .returning({ id: historyImports.id });
      return updated.length > 0;
    },

    /** One chat merged: it leaves the pending list. False when the import is no longer running (cancelled). */
    async chatDone(id: number, waChatId: string, added: number): Promise<boolean> {
      const updated = await db
        .update(historyImports)
        .set({
          pendingChats: sql`array_remove(${historyImports.pendingChats}, ${waChatId})`,
          chatsDone: sql`${historyImports.chatsDone} + 1`,
          headCount: 0,
          messagesImported: sql`${historyImports.messagesImported} + ${added}`,
        })
        .where(and(eq(historyImports.id, id), eq(historyImports.status, "running")))
        .returning({ id: historyImports.id });
      return updated.length > 0;
    },

    async finish(id: number, status: "done" | "failed", error: string | null = null): Promise<void> {
      await db
        .update(historyImports)
        .set({ status, error, finishedAt: new Date() })
        .where(and(eq(historyImports.id, id), eq(historyImports.status, "running")));
    },

    /** Cancels the running import of an instance; its id, or null when none was running. */
    async cancel(instanceId: number): Promise<number | null> {
      const [row] = await db
        .update(historyImports)
        .set({ status: "cancelled", finishedAt: new Date() })
        .where(and(eq(historyImports.instanceId, instanceId), eq(historyImports.status, "running")))
        .returning({ id: historyImports.id });
      return row?.id ?? null;
    },

    /** Chats of the instance already in the inbox, most recently active first. */
    async knownChats(instanceId: number): Promise<string[]> {
      const rows = await db
        .select({ waChatId: chats.waChatId })
        .from(chats)
        .where(eq(chats.instanceId, instanceId))
        .orderBy(sql`${chats.lastMessageAt} desc nulls last`, desc(chats.id));
      return rows.map((r) => r.waChatId);
    },

    /** Which of these message ids the chat already holds, and the chat's row id (null when the chat is new). */
    async stored(
      instanceId: number,
      waChatId: string,
      idMessages: string[],
    ): Promise<{ chatId: number | null; ids: Set<string> }> {
      const [chat] = await db
        .select({ id: chats.id })
        .from(chats)
        .where(and(eq(chats.instanceId, instanceId), eq(chats.waChatId, waChatId)));
      if (!chat || idMessages.length === 0) return { chatId: chat?.id ?? null, ids: new Set() };
      // The ids as one jsonb parameter: a long chat's answer holds up to CHAT_CAP of them.
      const rows = await db
        .select({ idMessage: messages.idMessage })
        .from(messages)
        .where(
          and(
            eq(messages.chatId, chat.id),
            sql`${messages.idMessage} in (select jsonb_array_elements_text(${JSON.stringify(idMessages)}::jsonb))`,
          ),
        );
      return { chatId: chat.id, ids: new Set(rows.map((r) => r.idMessage!)) };
    },

    /**
     * Chats of the instance that hit the per-chat cap: they held at least CHAT_CAP messages from WhatsApp sent before
     * `before` (the import's start), so the import took only their newest CHAT_CAP. At most `limit`, by name.
     * Reads at most CHAT_CAP index entries per chat (messages_chat_sent_idx).
     */
    async cappedChats(instanceId: number, before: Date, limit = 5): Promise<{ total: number; names: string[] }> {
      // Hand-written: count(*) over () brings the total with the page, and the exists probe with OFFSET stops after
      // CHAT_CAP index entries; in the builder both would be sql fragments anyway.
      const rows = await queryRows<{ label: string; total: number }>(
        db,
        sql`
        select coalesce(c.name, c.wa_chat_id) as label, count(*) over ()::int as total
        from chats c
        where c.instance_id = ${instanceId}
          and exists (select 1 from messages m where m.chat_id = c.id and m.direction in ('in', 'out') and m.sent_at < ${before.toISOString()}::timestamptz
                      offset ${CHAT_CAP - 1} limit 1)
        order by label
        limit ${limit}`,
      );
      return { total: rows[0]?.total ?? 0, names: rows.map((r) => r.label) };
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
