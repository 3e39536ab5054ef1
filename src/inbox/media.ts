// Media of messages: background downloads from Green-API into the content-addressed store, retries, and uploads.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import { SchedulerStoppedError } from "../greenapi/scheduler.ts";
import { translator, type Locale, type MessageKey } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { fetchMedia, MediaFetchError } from "./media-fetch.ts";
import { MAX_MEDIA_BYTES, type MediaStore } from "./media-store.ts";

export interface MediaServiceOptions {
  db: Db;
  bus: EventBus;
  log: Logger;
  gateway: Gateway;
  store: MediaStore;
  loadInstance: (id: number) => Promise<InstanceCredentials | undefined>;
  /** Language of the stored error texts. */
  locale: Locale;
  /** Downloads running at once (default 4). */
  concurrency?: number;
  maxBytes?: number;
  fetch?: typeof fetch;
  /** Pause before the 2nd and 3rd attempt after network trouble or a 5xx (default 1 s, 3 s). */
  retryDelaysMs?: number[];
}

export interface MediaService {
  /** The file store (uploads: `store.store(bytes, { fileName, mimeType })` → `{ sha256, size }`). */
  readonly store: MediaStore;
  /** The media of a message of this instance (null when the message is elsewhere or has none). */
  get(instanceId: number, messageId: number): Promise<{ chatId: number; media: MessageMedia } | null>;
  /** Queues the download of a message whose media is pending (runs once started). */
  enqueue(messageId: number): void;
  /** Puts a failed download of a message of this instance back in the queue; false when there is none to retry. */
  retry(instanceId: number, messageId: number): Promise<boolean>;
  /** Starts downloading, resuming every download left pending. */
  start(): Promise<void>;
  /** Stops; downloads in flight are aborted and stay pending for the next start. */
  stop(): Promise<void>;
  /** Resolves when nothing is queued or downloading. */
  idle(): Promise<void>;
}

type Job = { id: number; instanceId: number; chatId: number; idMessage: string | null; media: MessageMedia | null; waChatId: string };

class Failure extends Error {
  constructor(readonly key: MessageKey, readonly params: Record<string, string | number> = {}) {
    super(key);
  }
}

const pendingState = sql`${messages.media}->>'state' = 'pending'`;

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The media service: a concurrency-limited download queue over the store, resumed from the database at start. */
export function createMediaService(opts: MediaServiceOptions): MediaService {
  const { db, bus, log, gateway, store } = opts;
  const t = translator(opts.locale);
  const maxBytes = opts.maxBytes ?? MAX_MEDIA_BYTES;
  const concurrency = opts.concurrency ?? 4;
  const delays = opts.retryDelaysMs ?? [1000, 3000];
  const queue = new Set<number>();
  const active = new Set<number>();
  const waiters: Array<() => void> = [];
  let running = false;
  let abort = new AbortController();

  function settle() {
    if (queue.size === 0 && active.size === 0) for (const wake of waiters.splice(0)) wake();
  }

  function pump() {
    while (running && active.size < concurrency && queue.size > 0) {
      const id = queue.values().next().value!;
      queue.delete(id);
      active.add(id);
      void download(id)
        .catch((err) => log.error({ err, messageId: id }, "media download crashed"))
        .finally(() => {
          active.delete(id);
          pump();
          settle();
        });
    }
    settle();
  }

  async function finish(job: Job, media: MessageMedia) {
    const [updated] = await db
      .update(messages)
      .set({ media })
      .where(and(eq(messages.id, job.id), pendingState))
      .returning({ id: messages.id });
    if (updated) bus.publish({ name: EVENTS.messageUpdated, instanceId: job.instanceId, data: { messageId: job.id, chatId: job.chatId, change: "media", state: media.state } });
  }

  /** A fresh download URL from Green-API (downloadFile, background priority). */
  async function askGreenApi(instance: InstanceCredentials, job: Job): Promise<string> {
    if (!job.idMessage) throw new Failure("media.error.noFile");
    try {
      const { downloadUrl } = await gateway.call(instance, "downloadFile", "background", (c) => c.downloadFile({ chatId: job.waChatId, idMessage: job.idMessage! }));
      return downloadUrl;
    } catch (err) {
      if (err instanceof GreenApiError && /not found/i.test(err.reason)) throw new Failure("media.error.noFile");
      if (err instanceof GreenApiError) throw new Failure("media.error.greenApi", { reason: err.reason });
      throw err;
    }
  }

  async function fetchWithRetries(instance: InstanceCredentials, job: Job, media: MessageMedia) {
    let url = media.downloadUrl || (await askGreenApi(instance, job));
    let fresh = !media.downloadUrl;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchMedia(url, media, instance, store, { maxBytes, signal: abort.signal, fetch: opts.fetch });
      } catch (err) {
        if (!(err instanceof MediaFetchError)) throw err;
        // The URL in the notification may have expired: ask Green-API for a new one, once.
        if (err.key === "media.error.http" && !fresh && Number(err.params.status) < 500) {
          url = await askGreenApi(instance, job);
          fresh = true;
          continue;
        }
        if (!err.retryable || attempt >= delays.length) throw new Failure(err.key, err.params);
        log.info({ messageId: job.id, err: err.message, cause: String(err.cause ?? "") }, "media download failed; retrying");
        await pause(delays[attempt]!, abort.signal);
        if (abort.signal.aborted) throw err;
      }
    }
  }

  async function download(id: number) {
    const [job] = await db
      .select({ id: messages.id, instanceId: messages.instanceId, chatId: messages.chatId, idMessage: messages.idMessage, media: messages.media, waChatId: chats.waChatId })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(eq(messages.id, id));
    const media = job?.media;
    if (!job || !media || media.state !== "pending") return;
    const { error: _old, ...rest } = media;
    try {
      const instance = await opts.loadInstance(job.instanceId);
      if (!instance) throw new Failure("media.error.instanceGone");
      const file = await fetchWithRetries(instance, job, media);
      await finish(job, { ...rest, state: "ready", sha256: file.sha256, size: file.size, mimeType: file.mimeType });
    } catch (err) {
      if (abort.signal.aborted || err instanceof SchedulerStoppedError) return; // stays pending for the next start
      if (!(err instanceof Failure)) log.error({ err, messageId: id }, "media download failed unexpectedly");
      const failure = err instanceof Failure ? err : new Failure("media.error.network");
      log.info({ messageId: id, reason: failure.key }, "media download failed");
      await finish(job, { ...rest, state: "failed", error: t(failure.key, failure.params) });
    }
  }

  function enqueue(id: number) {
    if (active.has(id)) return;
    queue.add(id);
    pump();
  }

  return {
    store,
    enqueue,
    async get(instanceId, messageId) {
      const [row] = await db
        .select({ chatId: messages.chatId, media: messages.media })
        .from(messages)
        .where(and(eq(messages.id, messageId), eq(messages.instanceId, instanceId)));
      return row?.media ? { chatId: row.chatId, media: row.media } : null;
    },
    async retry(instanceId, messageId) {
      const [row] = await db
        .update(messages)
        .set({ media: sql`(${messages.media} - 'error') || '{"state":"pending"}'::jsonb` })
        .where(and(eq(messages.id, messageId), eq(messages.instanceId, instanceId), sql`${messages.media}->>'state' = 'failed'`))
        .returning({ id: messages.id, chatId: messages.chatId });
      if (!row) return false;
      bus.publish({ name: EVENTS.messageUpdated, instanceId, data: { messageId, chatId: row.chatId, change: "media", state: "pending" } });
      enqueue(messageId);
      return true;
    },
    async start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      // Full scan once per start: pending media is rare, and new downloads arrive through enqueue().
      const rows = await db.select({ id: messages.id }).from(messages).where(pendingState).orderBy(asc(messages.id));
      for (const row of rows) queue.add(row.id);
      pump();
    },
    async stop() {
      running = false;
      abort.abort();
      while (active.size > 0) await Bun.sleep(10);
      for (const wake of waiters.splice(0)) wake();
    },
    idle() {
      if ((queue.size === 0 || !running) && active.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
