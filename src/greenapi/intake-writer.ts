// The intake's journal writer: accepted notifications are inserted into the notifications table (the intake journal)
// in groups — the first at once, the ones accepted meanwhile together in the next INSERT (one commit for many webhooks).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sqlState } from "../db/errors.ts";
import { idList, jsonRows, queryRows } from "../db/rows.ts";

/** At most this many accepted notifications per journal INSERT (one commit for all that arrived during the last one). */
const JOURNAL_BATCH = 500;

/** A notification to journal, as accepted. */
export type JournalRow = {
  instanceId: number;
  dedupeKey: string;
  typeWebhook: string;
  body: unknown;
  via: "webhook" | "polling";
  /** Stored in quarantine (`error` says why). */
  quarantined: boolean;
  error: string | null;
  original: string | null;
};
type Waiting = { row: JournalRow; done: (id: number | null) => void; failed: (err: unknown) => void };

export interface JournalWriter {
  /**
   * Journals the row; resolves with its id once its INSERT committed (null: a re-delivery, already journaled), or
   * rejects when the database refused it.
   */
  journal(row: JournalRow): Promise<number | null>;
}

export function createJournalWriter(db: Db): JournalWriter {
  // The journal is written in groups: the first accepted notification is inserted at once, the ones accepted while that
  // INSERT is in flight wait for the next, which takes them all (one commit for many webhooks; each is answered only
  // after its row is committed).
  let waiting: Waiting[] = [];
  let writing = false;

  async function writeJournal(): Promise<void> {
    writing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, JOURNAL_BATCH);
        waiting = waiting.slice(group.length);
        try {
          await insertJournal(group);
        } catch (err) {
          if (group.length === 1 || !rowError(err)) {
            // The database is unreachable (or the row alone is bad): every webhook of the group gets an error and
            // Green-API delivers it again.
            for (const one of group) one.failed(err);
            continue;
          }
          // One bad row (e.g. its instance was just deleted) must not fail the others: each on its own.
          for (const one of group) await insertJournal([one]).catch(one.failed);
        }
      }
    } finally {
      writing = false;
    }
  }

  /** One statement: the rows (re-deliveries skipped) and "heard from" on their instances (to the second). */
  async function insertJournal(group: Waiting[]): Promise<void> {
    const first = new Map<string, Waiting>();
    const twins: Waiting[] = [];
    for (const w of group) {
      const key = `${w.row.instanceId}:${w.row.dedupeKey}`;
      if (first.has(key)) twins.push(w);
      else first.set(key, w);
    }
    const rows = [...first.values()].map(({ row }) => ({
      instance_id: row.instanceId,
      dedupe_key: row.dedupeKey,
      type_webhook: row.typeWebhook,
      body: row.body,
      via: row.via,
      quarantined: row.quarantined,
      error: row.error,
      original: row.original,
    }));
    const ids = [...new Set(rows.map((r) => r.instance_id))];
    // Hand-written: the group commit — a whole group of journal rows and the instances' "heard from" in one statement
    // (data-modifying CTE, jsonb_to_recordset, on conflict do nothing returning); bench/RESULTS.md, Ingest, set-based
    // ingest: 115 → 2 124 msg/s.
    const inserted = await queryRows<{ id: string | number; instance_id: number; dedupe_key: string }>(
      db,
      sql`
      with touch as (
        update instances set last_notification_at = now(), intake_error = null, updated_at = now()
        where id in ${idList(ids)}
          -- To the second: under load the row is not rewritten for every group (an error is cleared at once).
          and (last_notification_at is null or last_notification_at < now() - interval '1 second' or intake_error is not null))
      insert into notifications (instance_id, dedupe_key, type_webhook, body, via, quarantined_at, error, original)
      -- A body that is JSON null comes out of the recordset as SQL NULL: stored as the JSON value again.
      select x.instance_id, x.dedupe_key, x.type_webhook, coalesce(x.body, 'null'::jsonb), x.via,
        case when x.quarantined then now() end, x.error, x.original
      from jsonb_to_recordset(${jsonRows(rows)})
        as x(instance_id int, dedupe_key text, type_webhook text, body jsonb, via text, quarantined boolean, error text, original text)
      on conflict do nothing
      returning id, instance_id, dedupe_key`,
    );
    const idOf = new Map(inserted.map((r) => [`${r.instance_id}:${r.dedupe_key}`, Number(r.id)]));
    for (const [key, w] of first) w.done(idOf.get(key) ?? null);
    // Answered as re-deliveries only once the first of them is stored.
    for (const w of twins) w.done(null);
  }

  /** Whether a failed INSERT was refused for its data (a constraint, a bad value), not for want of a database. */
  function rowError(err: unknown): boolean {
    const code = sqlState(err);
    // SQLSTATE class 22: data exception (e.g. a \u0000 in JSON); 23: integrity constraint violation.
    return code !== undefined && (code.startsWith("22") || code.startsWith("23"));
  }

  function journal(row: JournalRow): Promise<number | null> {
    return new Promise((done, failed) => {
      waiting.push({ row, done, failed });
      if (!writing) void writeJournal();
    });
  }

  return { journal };
}
