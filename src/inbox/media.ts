// Media of messages: background downloads into the content-addressed store, and uploads. Where a file is fetched from
// (the notification's URL, else a fresh one from Green-API's downloadFile) and its retries: media-source.ts.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, type MessageMedia } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import { RateLimiterStoppedError } from "../greenapi/rate-limiter.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import type { Resolver } from "../lib/public-fetch.ts";
import { markMediaForRetry, mediaPending, recordMediaOutcome } from "../conversations/index.ts";
import { MAX_MEDIA_BYTES, type MediaStore } from "./media-store.ts";
import { createFileSource, Failure, type Job } from "./media-source.ts";

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
  /** Resolves file hosts before their addresses are checked (default: the system resolver); tests stub it. */
  resolve?: Resolver;
  /** Pause before the 2nd and 3rd attempt after network trouble or a 5xx (default 1 s, 3 s). */
  retryDelaysMs?: number[];
}

export interface MediaService {
  /** The file store (uploads: `store.store(bytes, { fileName, mimeType })` → `{ sha256, size }`). */
  readonly store: MediaStore;
  /** The media of a message of this instance (null when the message is elsewhere or has none). */
  get(instanceId: number, messageId: number): Promise<{ chatId: number; media: MessageMedia } | null>;
  /** Queues the download of a message whose media is pending (runs once started); `urgent` (someone is waiting for
   * it) puts it first, and its downloadFile call before background ones. */
  enqueue(messageId: number, urgent?: boolean): void;
  /** Puts a failed download of a message of this instance back in the queue, urgently and straight to downloadFile
   * (the notification's URL already failed); false when there is none to retry. */
  retry(instanceId: number, messageId: number): Promise<boolean>;
  /** Starts downloading, resuming every download left pending. */
  start(): Promise<void>;
  /** Stops; downloads in flight are aborted and stay pending for the next start. */
  stop(): Promise<void>;
  /** Resolves when nothing is queued or downloading. */
  idle(): Promise<void>;
}

/** The media service: a concurrency-limited download queue over the store, resumed from the database at start. */
export function createMediaService(opts: MediaServiceOptions): MediaService {
  const { db, bus, log, gateway, store } = opts;
  const t = translator(opts.locale);
  const maxBytes = opts.maxBytes ?? MAX_MEDIA_BYTES;
  const concurrency = opts.concurrency ?? 4;
  const delays = opts.retryDelaysMs ?? [1000, 3000];
  const queue = new Set<number>();
  const urgent = new Set<number>();
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
          urgent.delete(id);
          pump();
          settle();
        });
    }
    settle();
  }

  async function finish(job: Job, media: MessageMedia) {
    if (await recordMediaOutcome(db, job.id, media))
      bus.publish({
        name: EVENTS.messageUpdated,
        instanceId: job.instanceId,
        data: { messageId: job.id, chatId: job.chatId, change: "media", state: media.state },
      });
  }

  const fetchFile = createFileSource({
    gateway,
    store,
    log,
    maxBytes,
    delays,
    fetch: opts.fetch,
    resolve: opts.resolve,
    signal: () => abort.signal,
    isUrgent: (id) => urgent.has(id),
  });

  async function download(id: number) {
    const [job] = await db
      .select({
        id: messages.id,
        instanceId: messages.instanceId,
        chatId: messages.chatId,
        idMessage: messages.idMessage,
        media: messages.media,
        waChatId: chats.waChatId,
        altWaChatId: chats.altWaChatId,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(eq(messages.id, id));
    const media = job?.media;
    if (!job || !media || media.state !== "pending") return;
    const { error: _error, reason: _reason, ...rest } = media;
    try {
      const instance = await opts.loadInstance(job.instanceId);
      if (!instance) throw new Failure("media.error.instanceGone");
      const file = await fetchFile(instance, job, media);
      await finish(job, { ...rest, state: "ready", sha256: file.sha256, size: file.size, mimeType: file.mimeType });
    } catch (err) {
      if (abort.signal.aborted || err instanceof RateLimiterStoppedError) return; // stays pending for the next start
      if (!(err instanceof Failure)) log.error({ err, messageId: id }, "media download failed unexpectedly");
      const failure = err instanceof Failure ? err : new Failure("media.error.network");
      log.info({ messageId: id, reason: failure.key }, "media download failed");
      await finish(job, {
        ...rest,
        state: "failed",
        error: t(failure.key, failure.params),
        reason: { key: failure.key, params: failure.params },
      });
    }
  }

  function enqueue(id: number, first = false) {
    if (first) urgent.add(id);
    if (active.has(id)) return;
    if (first && queue.size > 0) {
      const rest = [...queue];
      queue.clear();
      for (const other of [id, ...rest]) queue.add(other);
    } else queue.add(id);
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
      const row = await markMediaForRetry(db, instanceId, messageId);
      if (!row) return false;
      bus.publish({
        name: EVENTS.messageUpdated,
        instanceId,
        data: { messageId, chatId: row.chatId, change: "media", state: "pending" },
      });
      enqueue(messageId, true);
      return true;
    },
    async start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      // Full scan once per start: pending media is rare, and new downloads arrive through enqueue().
      const rows = await db.select({ id: messages.id }).from(messages).where(mediaPending).orderBy(asc(messages.id));
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
