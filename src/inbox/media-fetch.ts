// Fetching a message's file: public https hosts only (checked on the address connected to), redirects re-checked,
// content type checked, size capped.
import type { MessageMedia } from "../db/schema/index.ts";
import type { InstanceCredentials } from "../greenapi/gateway.ts";
import { AddressRefusedError, fetchPublic, type Resolver } from "../lib/public-fetch.ts";
import { MediaTooLargeError, type MediaStore, type StoredFile } from "./media-store.ts";

/** Redirects followed per download, each target checked again. */
const MAX_REDIRECTS = 3;

/**
 * Whether a URL is on the instance's own configured apiUrl or mediaUrl (same scheme, host and port). Those are
 * trusted whatever they resolve to: a self-hosted gateway (or the fake) lives on a private address.
 */
export function isOwnOrigin(url: URL, instance: Pick<InstanceCredentials, "apiUrl" | "mediaUrl">): boolean {
  if (url.username || url.password) return false;
  return [instance.apiUrl, instance.mediaUrl].some((s) => {
    const own = URL.canParse(s) ? new URL(s) : null;
    return own?.protocol === url.protocol && own.host === url.host;
  });
}

/** Why a download failed, as an i18n key with its parameters; `retryable` marks network trouble and 5xx. */
export class MediaFetchError extends Error {
  override readonly name = "MediaFetchError";
  constructor(
    readonly key:
      | "media.error.refused"
      | "media.error.tooLarge"
      | "media.error.type"
      | "media.error.http"
      | "media.error.network",
    readonly params: Record<string, string | number> = {},
    readonly retryable = false,
    cause?: unknown,
  ) {
    super(`${key} ${JSON.stringify(params)}`, { cause });
  }
}

const GENERIC_TYPES = new Set(["", "application/octet-stream", "binary/octet-stream"]);

/** Whether a (parameterless, lower-case) content type fits the kind of file the message announced. */
export function typeFitsKind(type: string, kind: MessageMedia["kind"]): boolean {
  switch (kind) {
    case "image":
    case "sticker":
      return type.startsWith("image/");
    case "video":
      return type.startsWith("video/");
    case "audio":
    case "voice":
      return type.startsWith("audio/") || type === "video/ogg" || type === "application/ogg" || type === "video/mp4";
    case "document":
      return true;
  }
}

const bare = (type: string | null | undefined) => (type ?? "").split(";")[0]!.trim().toLowerCase();

/**
 * Downloads `url` into the store. The URL must be https to a host whose addresses are all public (or on the
 * instance's own origin); redirects are followed by hand (at most 3), each target checked the same way. A generic
 * content type (octet-stream) falls back to the type the message announced.
 */
export async function fetchMedia(
  url: string,
  media: MessageMedia,
  instance: Pick<InstanceCredentials, "apiUrl" | "mediaUrl">,
  store: MediaStore,
  opts: { maxBytes: number; signal?: AbortSignal; fetch?: typeof fetch; resolve?: Resolver },
): Promise<StoredFile & { mimeType: string }> {
  let target = URL.canParse(url) ? new URL(url) : null;
  let res: Response;
  for (let hop = 0; ; hop++) {
    if (!target) throw new MediaFetchError("media.error.refused");
    try {
      const init = { redirect: "manual", signal: opts.signal } as const;
      res = isOwnOrigin(target, instance)
        ? await (opts.fetch ?? fetch)(target, init)
        : await fetchPublic(target, init, { fetch: opts.fetch, resolve: opts.resolve });
    } catch (cause) {
      if (cause instanceof AddressRefusedError) throw new MediaFetchError("media.error.refused", {}, false, cause);
      throw new MediaFetchError("media.error.network", {}, true, cause);
    }
    const location = res.headers.get("location");
    if (res.status < 300 || res.status > 399 || !location || hop === MAX_REDIRECTS) break;
    await res.body?.cancel();
    target = URL.canParse(location, target.href) ? new URL(location, target) : null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new MediaFetchError("media.error.http", { status: res.status }, res.status >= 500 || res.status === 429);
  }
  const mb = Math.round(opts.maxBytes / (1024 * 1024));
  const length = Number(res.headers.get("content-length") ?? NaN);
  if (length > opts.maxBytes) {
    await res.body?.cancel();
    throw new MediaFetchError("media.error.tooLarge", { mb });
  }
  const served = bare(res.headers.get("content-type"));
  const mimeType = GENERIC_TYPES.has(served) ? bare(media.mimeType) || "application/octet-stream" : served;
  if (!typeFitsKind(mimeType, media.kind)) {
    await res.body?.cancel();
    throw new MediaFetchError("media.error.type", { type: mimeType });
  }
  if (!res.body) throw new MediaFetchError("media.error.network", {}, true);
  try {
    return { ...(await store.storeStream(res.body, opts.maxBytes)), mimeType };
  } catch (err) {
    if (err instanceof MediaTooLargeError) throw new MediaFetchError("media.error.tooLarge", { mb });
    if (opts.signal?.aborted) throw err;
    throw new MediaFetchError("media.error.network", {}, true, err);
  }
}
