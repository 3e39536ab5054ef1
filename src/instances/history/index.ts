// History of a number: the import (button, or automatic after the first authorization), its cancel, and the backfill of
// an offline window. `createHistory` wires the store, the background runner and the journal merge together.
import type { Db } from "../../db/client.ts";
import type { EventBus } from "../../events/bus.ts";
import type { Gateway } from "../../greenapi/gateway.ts";
import type { Ingest } from "../../conversations/index.ts";
import type { Logger } from "../../lib/log.ts";
import type { InstanceRow } from "../service.ts";
import { announceInstance } from "../live.ts";
import { mergeJournal } from "./merge.ts";
import { createHistoryRunner, type HistoryRunner } from "./runner.ts";
import { createHistoryStore } from "./service.ts";

/** What the rest of the app may ask of the history capability. */
export interface History {
  /** Starts an import unless one is running; `auto` (first authorization) only when the number never had one. */
  start(instanceId: number, opts?: { auto?: boolean }): Promise<void>;
  /** Merges the journals since `since` (an offline window); resolves with the number of messages added. */
  backfill(instanceId: number, since: Date): Promise<number>;
  /** Cancels the running import, if any. */
  cancel(instanceId: number): Promise<void>;
}

export interface HistoryOptions {
  db: Db;
  bus: EventBus;
  gateway: Gateway;
  ingest: Ingest;
  log: Logger;
  loadInstance(id: number): Promise<InstanceRow | undefined>;
}

/** Journal items can show up to ~2 min late: a backfill looks a little further back than the window. */
const JOURNAL_LAG_MINUTES = 5;

export function createHistory(opts: HistoryOptions): { history: History; runner: HistoryRunner } {
  const store = createHistoryStore(opts.db);
  const runner = createHistoryRunner({ ...opts, store });
  const merge = { store, ingest: opts.ingest, log: opts.log };

  const history: History = {
    async start(instanceId, o = {}) {
      if (o.auto && (await store.hasAny(instanceId))) return;
      const { row, created } = await store.create(instanceId);
      if (created) {
        opts.log.info({ instanceId, importId: row.id, auto: o.auto === true }, "history import started");
        announceInstance(opts.bus, instanceId, "history");
      }
      runner.kick(row);
    },

    async backfill(instanceId, since) {
      const instance = await opts.loadInstance(instanceId);
      if (!instance) return 0;
      const minutes = Math.max(1, Math.ceil((Date.now() - since.getTime()) / 60_000)) + JOURNAL_LAG_MINUTES;
      const incoming = await opts.gateway.call(instance, "lastIncomingMessages", "background", (c) =>
        c.lastIncomingMessages(minutes),
      );
      const outgoing = await opts.gateway.call(instance, "lastOutgoingMessages", "background", (c) =>
        c.lastOutgoingMessages(minutes),
      );
      const { added } = await mergeJournal(merge, instance, [...incoming, ...outgoing], false);
      opts.log.info({ instanceId, minutes, added }, "offline window backfilled");
      return added;
    },

    async cancel(instanceId) {
      const importId = await store.cancel(instanceId);
      if (importId === null) return;
      runner.cancelled(importId);
      announceInstance(opts.bus, instanceId, "history");
    },
  };
  return { history, runner };
}
