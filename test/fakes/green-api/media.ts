// Files held by the fake: stored uploads and injected media, served from the media origin under /files/; incoming
// files announced on Green-API's external storage hosts, as the real service does.
import type { FakeInstance, World } from "./world.ts";

const TYPES: Array<[RegExp, string, string]> = [
  [/\.(jpe?g)$/i, "imageMessage", "image/jpeg"],
  [/\.png$/i, "imageMessage", "image/png"],
  [/\.gif$/i, "imageMessage", "image/gif"],
  [/\.webp$/i, "stickerMessage", "image/webp"],
  [/\.(mp4|3gp|mov)$/i, "videoMessage", "video/mp4"],
  [/\.(ogg|oga|opus)$/i, "audioMessage", "audio/ogg"],
  [/\.(mp3|m4a|aac|wav)$/i, "audioMessage", "audio/mpeg"],
  [/\.pdf$/i, "documentMessage", "application/pdf"],
];

/** typeMessage and mime type Green-API derives from a file name's extension. */
export function fileKind(fileName: string): { typeMessage: string; mimeType: string } {
  const hit = TYPES.find(([re]) => re.test(fileName));
  return hit
    ? { typeMessage: hit[1], mimeType: hit[2] }
    : { typeMessage: "documentMessage", mimeType: "application/octet-stream" };
}

const servedUrl = (world: World, id: string, fileName: string) =>
  `${world.urls.media}/files/${id}/${encodeURIComponent(fileName)}`;

function put(world: World, bytes: Uint8Array, fileName: string, mimeType: string): string {
  const id = crypto.randomUUID();
  world.media.set(id, { bytes, mimeType, fileName });
  return id;
}

/** Stores bytes and returns their public download URL on the media origin. */
export function storeMedia(world: World, bytes: Uint8Array, fileName: string, mimeType: string): string {
  return servedUrl(world, put(world, bytes, fileName, mimeType), fileName);
}

/**
 * The storage host real notifications name for an instance (shared/green-api.md §2: `do-media-7103.fra1.
 * digitaloceanspaces.com` for 7103… instances, `sw-media-1101.storage.yandexcloud.net` for 1101… ones).
 */
export function storageHost(idInstance: number): string {
  const prefix = String(idInstance).slice(0, 4);
  return prefix.startsWith("7")
    ? `do-media-${prefix}.fra1.digitaloceanspaces.com`
    : `sw-media-${prefix}.storage.yandexcloud.net`;
}

const STORAGE_PATH = /^\/\d+\/([0-9a-f-]{36})(\.\w+)?$/;

/**
 * Stores an incoming file. `storage` (the default) announces it as the real service does, at
 * `https://<storage host>/<idInstance>/<uuid>.<ext>`: unreachable from here, as an expired URL is, so only downloadFile
 * leads to the bytes. `served` announces the fake's own URL (the demo, which must not reach out of the machine).
 */
export function storeIncomingFile(
  world: World,
  inst: FakeInstance,
  bytes: Uint8Array,
  fileName: string,
  mimeType: string,
  url: "storage" | "served",
): string {
  const id = put(world, bytes, fileName, mimeType);
  if (url === "served") return servedUrl(world, id, fileName);
  const ext = /\.\w+$/.exec(fileName)?.[0] ?? "";
  return `https://${storageHost(inst.idInstance)}/${inst.idInstance}/${id}${ext.toLowerCase()}`;
}

/** What downloadFile answers for a message's downloadUrl: a fresh URL the fake serves for a storage one, else the same. */
export function freshDownloadUrl(world: World, downloadUrl: string): string {
  const url = URL.canParse(downloadUrl) ? new URL(downloadUrl) : null;
  const id = url && STORAGE_PATH.exec(url.pathname)?.[1];
  const file = id ? world.media.get(id) : undefined;
  return file ? servedUrl(world, id!, file.fileName) : downloadUrl;
}

/** GET /files/{id}/{name}. */
export function serveMedia(world: World, pathname: string): Response {
  const id = pathname.split("/")[2] ?? "";
  const file = world.media.get(id);
  if (!file) return new Response("not found", { status: 404 });
  return new Response(new Blob([file.bytes as Uint8Array<ArrayBuffer>]), {
    headers: { "Content-Type": file.mimeType, "Access-Control-Allow-Origin": "*" },
  });
}
