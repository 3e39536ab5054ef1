// Webhook echoes of the outbox's own sends (outgoingAPIMessageReceived) that arrive before Green-API's answer to the send.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { jsonRows, queryRows } from "../db/rows.ts";
import type { MessageMedia } from "../db/schema/index.ts";

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
