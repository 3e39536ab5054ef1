// Fetching a message's file from Green-API: host allowlist, redirects re-checked, content type checked, size capped.
import type { MessageMedia } from "../db/schema/index.ts";
import type { InstanceCredentials } from "../greenapi/gateway.ts";
import { defaultHosts, UNIVERSAL_HOSTS } from "../greenapi/hosts.ts";
import { MediaTooLargeError, type MediaStore, type StoredFile } from "./media-store.ts";

/**
 * Green-API's file storage hosts named in the reference (shared/green-api.md §2): downloadFile answers with
 * `sw-media.storage.yandexcloud.net` URLs, sendFileByUpload with `sw-media-out.storage.yandexcloud.net` ones.
 */
export const GREEN_API_STORAGE_HOSTS: readonly string[] = ["sw-media.storage.yandexcloud.net", "sw-media-out.storage.yandexcloud.net"];

/**
 * Whether a download URL belongs to Green-API for this instance. Allowed: the instance's own apiUrl and mediaUrl
 * (scheme and host:port as configured), and over https only: the instance's default dedicated hosts
 * (`NNNN.api.greenapi.com`, `NNNN.media.greenapi.com`), the universal hosts (`api.green-api.com`,
 * `media.green-api.com`, `api.greenapi.com`) and the storage hosts above. Everything else is refused.
 */
export function isGreenApiMediaUrl(url: string, instance: Pick<InstanceCredentials, "idInstance" | "apiUrl" | "mediaUrl">): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  const own = [instance.apiUrl, instance.mediaUrl].flatMap((s) => (URL.canParse(s) ? [new URL(s)] : []));
  if (own.some((o) => o.protocol === u.protocol && o.host === u.host)) return true;
  if (u.protocol !== "https:" || u.port !== "") return false;
  const hosts = new Set([
    ...Object.values(defaultHosts(instance.idInstance)).map((h) => new URL(h).hostname),
    ...Object.values(UNIVERSAL_HOSTS).map((h) => new URL(h).hostname),
    "api.greenapi.com",
    ...GREEN_API_STORAGE_HOSTS,
  ]);
  return hosts.has(u.hostname);
}

/** Why a download failed, as an i18n key with its parameters; `retryable` marks network trouble and 5xx. */
export class MediaFetchError extends Error {
  override readonly name = "MediaFetchError";
  constructor(
    readonly key: "media.error.notGreenApi" | "media.error.tooLarge" | "media.error.type" | "media.error.http" | "media.error.network",
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
    case "image": case "sticker": return type.startsWith("image/");
    case "video": return type.startsWith("video/");
    case "audio": case "voice": return type.startsWith("audio/") || type === "video/ogg" || type === "application/ogg" || type === "video/mp4";
    case "document": return true;
  }
}

const bare = (type: string | null | undefined) => (type ?? "").split(";")[0]!.trim().toLowerCase();

/**
 * Downloads `url` into the store. Redirects are followed by hand (at most 3), each target checked against the
 * allowlist. A generic content type (octet-stream) falls back to the type the message announced.
 */
export async function fetchMedia(
  url: string,
  media: MessageMedia,
  instance: Pick<InstanceCredentials, "idInstance" | "apiUrl" | "mediaUrl">,
  store: MediaStore,
  opts: { maxBytes: number; signal?: AbortSignal; fetch?: typeof fetch },
): Promise<StoredFile & { mimeType: string }> {
  let target = url;
  let res: Response;
  for (let hop = 0; ; hop++) {
    if (!isGreenApiMediaUrl(target, instance)) throw new MediaFetchError("media.error.notGreenApi");
    try {
      res = await (opts.fetch ?? fetch)(target, { redirect: "manual", signal: opts.signal });
    } catch (cause) {
      throw new MediaFetchError("media.error.network", {}, true, cause);
    }
    const location = res.headers.get("location");
    if (res.status < 300 || res.status > 399 || !location || hop === 3) break;
    await res.body?.cancel();
    target = new URL(location, target).toString();
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
