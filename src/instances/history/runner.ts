// Runs history imports in the background (leader only): list the chats, then read each one with getChatHistory in the
// rate limiter's background lane (asked again with a larger count while answers come back full: ./paging.ts), progress
// saved after every call. Rows left `running` (restart, another process) resume, the head chat at its next count.
import type { EventBus } from "../../events/bus.ts";
import { EVENTS } from "../../events/names.ts";
import type { Gateway } from "../../greenapi/gateway.ts";
import { GreenApiError } from "../../greenapi/errors.ts";
import { RateLimiterStoppedError } from "../../greenapi/rate-limiter.ts";
import { chatIdSchema, type Contact, type JournalMessage } from "../../greenapi/schemas.ts";
import type { InstanceRow } from "../service.ts";
import { announceInstance } from "../live.ts";
import { callFailureOf } from "../problems.ts";
import { mergeJournal, type MergeDeps } from "./merge.ts";
import { FIRST_COUNT, hasMore, nextCount, resumeCount } from "./paging.ts";
import type { ImportRow } from "./service.ts";

/** getContacts may answer an empty list for ~5 min after authorization (shared/green-api.md §2). */
const CONTACTS_GRACE_MS = 6 * 60_000;
const CONTACTS_RETRY_MS = 30_000;
/** This many chats failing in a row stops the import (e.g. the number was logged out). */
const MAX_FAILURES_IN_A_ROW = 3;

export interface HistoryRunnerOptions extends MergeDeps {
  gateway: Gateway;
  bus: EventBus;
  loadInstance(id: number): Promise<InstanceRow | undefined>;
  /** How often running rows are looked for (imports started by another process). Default 5 s. */
  scanMs?: number;
}

export interface HistoryRunner {
  /** Resumes running imports and keeps looking for new ones. */
  start(): void;
  /** Lets the call in progress finish (its answer is recorded), then stops; the rows stay `running` and resume at the next start. */
  stop(): Promise<void>;
  /** Runs this import now if the runner is started here (otherwise the running process picks it up). */
  kick(row: ImportRow): void;
  /** Stops the import after the call in progress (its row is already marked cancelled). */
  cancelled(importId: number): void;
}

interface Run {
  halt: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
}

class Halted extends Error {}

/** A getChatHistory call of the chat at `index` of the pending list. */
interface Ask {
  index: number;
  waChatId: string;
  count: number;
  answer: Promise<JournalMessage[]>;
}

export function createHistoryRunner(opts: HistoryRunnerOptions): HistoryRunner {
  const { store, gateway, bus, log } = opts;
  const runs = new Map<number, Run>();
  let started = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const announce = (instanceId: number) => announceInstance(bus, instanceId, "history");

  /** Waits `ms` unless the run is halted first. */
  function pause(run: Run, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        run.wake = null;
        resolve();
      }
      run.wake = done;
    });
  }

  /** The address book: chat id → the name the phone shows (contact name, else the WhatsApp name; groups' titles). */
  async function addressBook(instance: InstanceRow, names: Map<string, string>): Promise<Contact[]> {
    const contacts = await gateway.call(instance, "getContacts", "background", (c) => c.getContacts());
    for (const c of contacts) {
      const name = c.contactName?.trim() || c.name?.trim();
      if (name) names.set(c.id, name);
    }
    return contacts;
  }

  /** Chats to import: recently active ones (journals of the last day, the inbox) first, then the address book. */
  async function listChats(
    run: Run,
    row: ImportRow,
    instance: InstanceRow,
    names: Map<string, string>,
  ): Promise<string[]> {
    for (;;) {
      const incoming = await gateway.call(instance, "lastIncomingMessages", "background", (c) =>
        c.lastIncomingMessages(),
      );
      const outgoing = await gateway.call(instance, "lastOutgoingMessages", "background", (c) =>
        c.lastOutgoingMessages(),
      );
      const contacts = await addressBook(instance, names);
      const recent = [...incoming, ...outgoing].sort((a, b) => b.timestamp - a.timestamp).map((m) => m.chatId);
      const ids = [...recent, ...(await store.knownChats(instance.id)), ...contacts.map((c) => c.id)];
      const list = [...new Set(ids)].filter((id) => chatIdSchema.safeParse(id).success);
      if (list.length > 0 || Date.now() - row.startedAt.getTime() > CONTACTS_GRACE_MS) return list;
      if (run.halt) throw new Halted();
      await pause(run, CONTACTS_RETRY_MS);
      if (run.halt) throw new Halted();
    }
  }

  /** One getChatHistory call: awaited later, or dropped when the run halts (then it is not sent at all if still queued). */
  function ask(run: Run, instance: InstanceRow, pending: readonly string[], index: number, count: number): Ask | null {
    const waChatId = pending[index];
    if (waChatId === undefined) return null;
    const answer = gateway.call(instance, "getChatHistory", "background", (c) =>
      run.halt ? Promise.reject(new Halted()) : c.getChatHistory({ chatId: waChatId, count }),
    );
    answer.catch(() => {});
    return { index, waChatId, count, answer };
  }

  /** Stores a chat's complete answer (it holds every message asked so far: earlier answers were its newest part). */
  async function importChat(
    instance: InstanceRow,
    items: JournalMessage[],
    names: ReadonlyMap<string, string>,
  ): Promise<number> {
    const merged = await mergeJournal(opts, instance, items, true, names);
    for (const chatId of merged.chatIds)
      bus.publish({ name: EVENTS.chatUpdated, instanceId: instance.id, data: { chatId } });
    return merged.added;
  }

  async function execute(run: Run, first: ImportRow): Promise<void> {
    const instance = await opts.loadInstance(first.instanceId);
    if (!instance) return store.finish(first.id, "failed", "instance removed");
    let pending = first.pendingChats;
    const names = new Map<string, string>();
    if (first.chatsTotal === 0) {
      pending = await listChats(run, first, instance, names);
      if (run.halt || !(await store.setPending(first.id, pending))) return;
      announce(instance.id);
    } else {
      // Resuming: the chat names again (they are not saved with the progress); without them the chats keep the senders' names.
      await addressBook(instance, names).catch((err: unknown) =>
        log.warn({ instanceId: instance.id, err: String(err) }, "history: no address book"),
      );
    }
    let failures = 0;
    // The head chat continues at the count after the last one asked of it (0 when it was not asked yet).
    let current = ask(run, instance, pending, 0, resumeCount(first.headCount));
    // The last full answer of the chat being read: stored if a larger call then fails.
    let newest: JournalMessage[] | null = null;
    while (current) {
      if (run.halt) return;
      const { index, waChatId, count } = current;
      let items: JournalMessage[] | null;
      let more = false;
      try {
        items = await current.answer;
        failures = 0;
        more = hasMore(count, items.length);
      } catch (err) {
        if (err instanceof RateLimiterStoppedError || run.halt || !(err instanceof GreenApiError)) throw err;
        if (++failures >= MAX_FAILURES_IN_A_ROW) throw err;
        log.warn(
          { instanceId: instance.id, err: err.message, count, kept: newest?.length ?? 0 },
          "history: chat cut short",
        );
        items = newest;
      }
      // The next call (a larger count of this chat, or the next chat) waits for its turn while this answer is stored.
      current = more
        ? ask(run, instance, pending, index, nextCount(count))
        : ask(run, instance, pending, index + 1, FIRST_COUNT);
      if (more) {
        newest = items;
        if (!(await store.headAsked(first.id, count))) return;
        announce(instance.id);
        continue;
      }
      newest = null;
      const added = items ? await importChat(instance, items, names) : 0;
      if (!(await store.chatDone(first.id, waChatId, added))) return;
      announce(instance.id);
    }
    await store.finish(first.id, "done");
    announce(instance.id);
    // The number's chat and message counts changed.
    announceInstance(bus, instance.id, "state");
    log.info({ instanceId: instance.id, importId: first.id }, "history import finished");
  }

  function kick(row: ImportRow): void {
    if (!started || runs.has(row.id)) return;
    const run: Run = { halt: false, wake: null, done: Promise.resolve() };
    run.done = execute(run, row)
      .catch(async (err: unknown) => {
        if (err instanceof Halted || err instanceof RateLimiterStoppedError || run.halt) return;
        log.error({ err, importId: row.id, instanceId: row.instanceId }, "history import failed");
        // A code, in the reader's language where it is shown (Green-API's own description kept).
        await store.finish(row.id, "failed", callFailureOf(err)).catch(() => {});
        announce(row.instanceId);
      })
      .finally(() => runs.delete(row.id));
    runs.set(row.id, run);
  }

  async function scan(): Promise<void> {
    try {
      for (const row of await store.running()) kick(row);
    } catch (err) {
      log.error({ err }, "history: scan failed");
    }
  }

  function halt(run: Run): void {
    run.halt = true;
    run.wake?.();
  }

  return {
    start() {
      if (started) return;
      started = true;
      void scan();
      timer = setInterval(() => void scan(), opts.scanMs ?? 5000);
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = null;
      for (const run of runs.values()) halt(run);
      await Promise.all([...runs.values()].map((r) => r.done));
    },
    kick,
    cancelled(importId) {
      const run = runs.get(importId);
      if (run) halt(run);
    },
  };
}
