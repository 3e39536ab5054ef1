// Where a media file is fetched from: the notification's URL, else a fresh one from Green-API's downloadFile; network
// trouble and 5xx are waited out a few times. Failures carry the message key stored as the media's error.
import { GreenApiError } from "../greenapi/errors.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { MessageMedia } from "../db/schema/index.ts";
import type { MessageKey } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { AddressRefusedError, type Resolver } from "../lib/public-fetch.ts";
import { fetchMedia, MediaFetchError } from "./media-fetch.ts";
import type { MediaStore } from "./media-store.ts";

export type Job = {
  id: number;
  instanceId: number;
  chatId: number;
  idMessage: string | null;
  media: MessageMedia | null;
  waChatId: string;
  altWaChatId: string | null;
};

export class Failure extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

/** What went wrong underneath, for logs: a refusal's host and address, else an error code or name, never a URL
 * (file URLs are bearer links). */
function causeOf(err: MediaFetchError): string {
  if (err.cause instanceof AddressRefusedError) return err.cause.message;
  const cause = err.cause as { code?: unknown; name?: unknown } | undefined;
  return String(cause?.code ?? cause?.name ?? "");
}

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export interface FileSourceOptions {
  gateway: Gateway;
  store: MediaStore;
  log: Logger;
  maxBytes: number;
  /** Pause before each further attempt after network trouble or a 5xx. */
  delays: number[];
  fetch?: typeof fetch;
  resolve?: Resolver;
  /** The current stop signal (replaced at every start). */
  signal: () => AbortSignal;
  /** Someone is waiting for this message's file: its downloadFile call goes before background ones. */
  isUrgent: (messageId: number) => boolean;
}

/** The fetcher of a job's file into the store; throws Failure for what is stored as the media's error. */
export function createFileSource(opts: FileSourceOptions) {
  const { gateway, store, log, maxBytes, delays, signal, isUrgent } = opts;

  /**
   * A fresh download URL from Green-API (downloadFile, through the instance's 5 RPS bucket). A chat known by two ids
   * (a person's `@lid` and `@c.us`) is asked by the other one when the first has no such message.
   */
  async function askGreenApi(instance: InstanceCredentials, job: Job): Promise<string> {
    const priority = isUrgent(job.id) ? "normal" : "background";
    for (const chatId of job.idMessage ? [job.waChatId, job.altWaChatId].filter((id) => id !== null) : []) {
      try {
        const { downloadUrl } = await gateway.call(instance, "downloadFile", priority, (c) =>
          c.downloadFile({ chatId, idMessage: job.idMessage! }),
        );
        return downloadUrl;
      } catch (err) {
        if (!(err instanceof GreenApiError)) throw err;
        // "File message encrypted url not found by chatId X and idMessage Y" (shared/green-api.md §2).
        if (/not found/i.test(err.reason)) continue;
        if (err.retryable) throw new Failure("media.error.greenApiDown");
        throw new Failure("media.error.greenApi", { reason: err.reason });
      }
    }
    throw new Failure("media.error.noFile");
  }

  /** Fetches a URL, waiting out network trouble and 5xx (`delays`) before giving up. */
  async function fetchWithRetries(url: string, instance: InstanceCredentials, job: Job, media: MessageMedia) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchMedia(url, media, instance, store, {
          maxBytes,
          signal: signal(),
          fetch: opts.fetch,
          resolve: opts.resolve,
        });
      } catch (err) {
        if (!(err instanceof MediaFetchError)) throw err;
        if (!err.retryable || attempt >= delays.length) throw new Failure(err.key, err.params);
        log.info({ messageId: job.id, reason: err.key, cause: causeOf(err) }, "media download failed; retrying");
        await pause(delays[attempt]!, signal());
        if (signal().aborted) throw err;
      }
    }
  }

  /**
   * The file from the notification's URL; when that fails in any way (refused, unreachable, 4xx/5xx, expired), from
   * the URL downloadFile hands out. A file too large or of the wrong type is what it is: no second try.
   */
  async function fetchFile(instance: InstanceCredentials, job: Job, media: MessageMedia) {
    if (media.downloadUrl) {
      try {
        return await fetchMedia(media.downloadUrl, media, instance, store, {
          maxBytes,
          signal: signal(),
          fetch: opts.fetch,
          resolve: opts.resolve,
        });
      } catch (err) {
        if (!(err instanceof MediaFetchError) || signal().aborted) throw err;
        if (err.key === "media.error.tooLarge" || err.key === "media.error.type")
          throw new Failure(err.key, err.params);
        log.info(
          { messageId: job.id, reason: err.key, cause: causeOf(err) },
          "media: the notification's URL failed; asking downloadFile",
        );
      }
    }
    return fetchWithRetries(await askGreenApi(instance, job), instance, job, media);
  }

  return fetchFile;
}
