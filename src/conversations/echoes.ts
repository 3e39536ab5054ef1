// Webhook echoes of the outbox's own sends (outgoingAPIMessageReceived), whichever comes first: an echo arriving before
// Green-API's answer becomes the send (linkEchoes, at ingest); an answer finding the echo stored folds it into the send
// (recordAccepted, in the outbox).
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sqlState } from "../db/errors.ts";
import { jsonRows, queryRows } from "../db/rows.ts";
import { messages, type MessageMedia } from "../db/schema/index.ts";
import { PROGRESS, type Progress } from "./outbox-content.ts";

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = "23505";

export interface Echo {
  /** The echo's place in its batch. */
  i: number;
  chatId: number;
  idMessage: string;
  text: string | null;
  media: MessageMedia | null;
  raw: unknown;
}

/**
 * Gives each echo's idMessage (and payload, and the status "sent") to the send it echoes, when that send still waits for
 * Green-API's answer: the send stays one message, never shown twice. Matched like the reconciler matches the journal —
 * same chat, same text, or for a file the same file name and caption — and only where echo and send are each other's
 * one match (two sends of the same text in flight are left to the outbox's folding). Returns echo place → send.
 */
export async function linkEchoes(db: Db, echoes: Echo[]): Promise<Map<number, { messageId: number; chatId: number }>> {
  if (echoes.length === 0) return new Map();
  const rows = echoes.map((e) => ({
    i: e.i,
    chat_id: e.chatId,
    id_message: e.idMessage,
    text: e.text,
    file: e.media !== null,
    file_name: e.media?.fileName ?? null,
    raw: e.raw,
  }));
  // Hand-written: the whole batch's echoes matched and linked in one statement (jsonb_to_recordset, CTEs, update … from
  // … returning); bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s.
  const linked = await queryRows<{ id: string | number; chat_id: string | number; i: number }>(
    db,
    sql`
    with x as (
      select * from jsonb_to_recordset(${jsonRows(rows)}) as x(i int, chat_id bigint, id_message text, text text, file boolean, file_name text, raw jsonb)),
    pair as (
      select x.i, m.id from x join messages m on m.chat_id = x.chat_id
      where m.status = 'sending' and m.id_message is null and m.idempotency_key is not null
        and case when m.media->>'sha256' is not null
          then x.file and m.media->>'fileName' is not distinct from x.file_name and coalesce(m.text, '') = coalesce(x.text, '')
          else not x.file and m.text = x.text end
        and not exists (select 1 from messages o where o.chat_id = x.chat_id and o.id_message = x.id_message)),
    one as (
      select p.i, p.id from pair p
      where (select count(*) from pair q where q.i = p.i) = 1 and (select count(*) from pair q where q.id = p.id) = 1)
    update messages set id_message = x.id_message, raw = x.raw, status = 'sent', fail_reason = null
    from one join x on x.i = one.i
    -- A send whose answer was recorded meanwhile keeps it (the echo is then stored as already known).
    where messages.id = one.id and messages.id_message is null and messages.status = 'sending'
    returning messages.id, messages.chat_id, one.i`,
  );
  return new Map(linked.map((r) => [r.i, { messageId: Number(r.id), chatId: Number(r.chat_id) }]));
}

/**
 * Records Green-API's answer to a send (its idMessage, and `status` or any later one already reached). The webhook echo
 * of this very send may have been stored first as a separate row: it is folded into the send, keeping its payload and
 * status. An echo still being stored holds the chat's idMessage until it commits; the UPDATE then waits for it and
 * fails as a duplicate — once more, and the echo is there to fold in. Returns the folded rows, a row made of an echo
 * taken for the send's by mistake, and the status reached.
 */
export async function recordAccepted(
  db: Db,
  send: { id: number; chatId: number },
  idMessage: string,
  status: Progress,
): Promise<{ twins: number[]; other: number | null; reached: Progress | "failed" }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await foldAndAccept(db, send, idMessage, status);
    } catch (err) {
      if (attempt === 3 || sqlState(err) !== UNIQUE_VIOLATION) throw err;
    }
  }
}

async function foldAndAccept(
  db: Db,
  row: { id: number; chatId: number },
  idMessage: string,
  status: Progress,
): Promise<{ twins: number[]; other: number | null; reached: Progress | "failed" }> {
  // A delivery status that came before this answer (through the echo's idMessage) stands: a later one, or "failed"
  // (noAccount and the like) with its reason.
  let failed: { reason: string | null } | null = null;
  const later = (reached: string | null, reason: string | null) => {
    if (reached === "failed") failed = { reason };
    const rank = PROGRESS.indexOf(reached as Progress);
    if (rank > PROGRESS.indexOf(status)) status = PROGRESS[rank]!;
  };
  return db.transaction(async (tx) => {
    // The send first (the ingest, linking an echo to it, locks it first too).
    const [send] = await tx
      .select({
        idMessage: messages.idMessage,
        status: messages.status,
        failReason: messages.failReason,
        raw: messages.raw,
      })
      .from(messages)
      .where(eq(messages.id, row.id))
      .for("update");
    // The ingest took an echo for this send's (linkEchoes above) and Green-API now names another message: that echo
    // was a message of its own (another API client sent the same text meanwhile) and is stored as one below.
    const mistaken = send?.idMessage != null && send.idMessage !== idMessage ? send.idMessage : null;
    if (!mistaken) later(send?.status ?? null, send?.failReason ?? null);
    const removed = await tx
      .delete(messages)
      .where(and(eq(messages.chatId, row.chatId), eq(messages.idMessage, idMessage), isNull(messages.idempotencyKey)))
      .returning({ id: messages.id, raw: messages.raw, status: messages.status, failReason: messages.failReason });
    for (const twin of removed) later(twin.status, twin.failReason);
    const raw = removed.find((t) => t.raw)?.raw ?? (mistaken ? null : undefined);
    await tx
      .update(messages)
      .set({
        idMessage,
        status: failed ? "failed" : status,
        failReason: failed?.reason ?? null,
        nextAttemptAt: null,
        ...(raw !== undefined ? { raw } : {}),
      })
      .where(eq(messages.id, row.id));
    const twins = removed.map((t) => t.id);
    const reached = failed ? ("failed" as const) : status;
    if (!mistaken) return { twins, other: null, reached };
    // Hand-written: insert … select copies the send's own columns server-side in one statement (no read-back).
    const [copy] = await queryRows<{ id: string | number }>(
      tx as unknown as Db,
      sql`
      insert into messages (instance_id, chat_id, id_message, direction, via, type, text, media, raw, sent_at, status)
      select instance_id, chat_id, ${mistaken}, 'out', 'api', type, text, media, ${send!.raw === null ? null : JSON.stringify(send!.raw)}::jsonb, now(), ${send!.status}
      from messages where id = ${row.id}
      returning id`,
    );
    return { twins, other: Number(copy!.id), reached };
  });
}
