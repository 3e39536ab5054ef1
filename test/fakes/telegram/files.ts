// Files of the fake: storing uploads as file_ids, the media objects messages carry, getFile and downloads.
import type { Message } from "grammy/types";
import { badRequest, BotApiError } from "./params.ts";
import { randomFileId, type StoredFile, type World } from "./world.ts";

export const FILE_KINDS = ["photo", "video", "audio", "voice", "document", "sticker"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const FOLDERS: Record<FileKind, [string, string]> = {
  photo: ["photos", "jpg"],
  video: ["videos", "mp4"],
  audio: ["music", "mp3"],
  voice: ["voice", "oga"],
  document: ["documents", "bin"],
  sticker: ["stickers", "webp"],
};
const DEFAULT_MIME: Record<FileKind, string> = {
  photo: "image/jpeg",
  video: "video/mp4",
  audio: "audio/mpeg",
  voice: "audio/ogg",
  document: "application/octet-stream",
  sticker: "image/webp",
};
const MB = 1024 * 1024;

export function storeFile(
  world: World,
  kind: FileKind,
  bytes: Uint8Array,
  mimeType?: string,
  fileName?: string,
): StoredFile {
  const [folder, ext] = FOLDERS[kind];
  const ownExt = fileName?.includes(".") ? fileName.split(".").pop() : undefined;
  const file: StoredFile = {
    fileId: randomFileId(kind === "photo" ? "AgACAgIAAxk" : "BQACAgIAAxk"),
    fileUniqueId: randomFileId("AQAD").slice(0, 16),
    bytes,
    mimeType: mimeType || DEFAULT_MIME[kind],
    fileName: kind === "photo" || kind === "voice" || kind === "sticker" ? undefined : fileName,
    filePath: `${folder}/file_${world.nextFileNo++}.${kind === "document" ? (ownExt ?? ext) : ext}`,
  };
  world.files.set(file.fileId, file);
  return file;
}

/** The content field of a message for a stored file (`photo` is an array of sizes, largest last). */
export function mediaField(kind: FileKind, f: StoredFile): Partial<Message> {
  const base = { file_id: f.fileId, file_unique_id: f.fileUniqueId, file_size: f.bytes.length };
  switch (kind) {
    case "photo":
      return { photo: [{ ...base, width: 800, height: 600 }] };
    case "video":
      return { video: { ...base, width: 640, height: 480, duration: 1, file_name: f.fileName, mime_type: f.mimeType } };
    case "audio":
      return { audio: { ...base, duration: 1, file_name: f.fileName, mime_type: f.mimeType } };
    case "voice":
      return { voice: { ...base, duration: 1, mime_type: f.mimeType } };
    case "document":
      return { document: { ...base, file_name: f.fileName, mime_type: f.mimeType } };
    case "sticker":
      return { sticker: { ...base, type: "regular", width: 512, height: 512, is_animated: false, is_video: false } };
  }
}

/** The file a send refers to: an upload (`attach://name` or the field itself) or an existing file_id. */
export function resolveInputFile(
  world: World,
  kind: FileKind,
  value: unknown,
  files: Map<string, File>,
): Promise<{ file: StoredFile; uploaded: boolean }> | { file: StoredFile; uploaded: boolean } {
  const upload =
    typeof value === "string" && value.startsWith("attach://") ? files.get(value.slice(9)) : files.get(kind);
  if (upload) {
    if (upload.size > (kind === "photo" ? 10 : 50) * MB) throw new BotApiError(413, "Request Entity Too Large");
    if (upload.size === 0) throw badRequest("file must be non-empty");
    return upload.arrayBuffer().then((buf) => ({
      file: storeFile(world, kind, new Uint8Array(buf), upload.type.split(";")[0], upload.name || undefined),
      uploaded: true,
    }));
  }
  if (typeof value !== "string" || value === "") throw badRequest(`there is no ${kind} in the request`);
  if (/^https?:\/\//.test(value)) throw badRequest("wrong file identifier/HTTP URL specified");
  const existing = world.files.get(value);
  if (!existing) throw badRequest("wrong file_id or the file is temporarily unavailable");
  return { file: existing, uploaded: false };
}

export function getFile(world: World, fileId: string) {
  const f = world.files.get(fileId);
  if (!f) throw badRequest("invalid file_id");
  if (f.bytes.length > 20 * MB) throw badRequest("file is too big");
  return { file_id: f.fileId, file_unique_id: f.fileUniqueId, file_size: f.bytes.length, file_path: f.filePath };
}

/** GET /file/bot<token>/<file_path>. */
export function download(world: World, token: string, filePath: string): Response {
  const f = token === world.token ? [...world.files.values()].find((x) => x.filePath === filePath) : undefined;
  if (!f) return Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 });
  return new Response(new Blob([f.bytes as Uint8Array<ArrayBuffer>]), {
    headers: { "Content-Type": f.mimeType, "Content-Length": String(f.bytes.length) },
  });
}
