// Files held by the fake: stored uploads and injected media, served from the media origin under /files/.
import type { World } from "./world.ts";

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
  return hit ? { typeMessage: hit[1], mimeType: hit[2] } : { typeMessage: "documentMessage", mimeType: "application/octet-stream" };
}

/** Stores bytes and returns their public download URL on the media origin. */
export function storeMedia(world: World, bytes: Uint8Array, fileName: string, mimeType: string): string {
  const id = crypto.randomUUID();
  world.media.set(id, { bytes, mimeType, fileName });
  return `${world.urls.media}/files/${id}/${encodeURIComponent(fileName)}`;
}

/** GET /files/{id}/{name}. */
export function serveMedia(world: World, pathname: string): Response {
  const id = pathname.split("/")[2] ?? "";
  const file = world.media.get(id);
  if (!file) return new Response("not found", { status: 404 });
  return new Response(new Blob([file.bytes as Uint8Array<ArrayBuffer>]), { headers: { "Content-Type": file.mimeType, "Access-Control-Allow-Origin": "*" } });
}
