// Fetches a file a Telegram user sent (getFile + the Bot API file URL) into the media store, for replies with media.
import type { Api } from "grammy";
import type { Message } from "grammy/types";
import type { MediaStore } from "../inbox/media-store.ts";

/** The Bot API serves files up to 20 MB to bots. */
const MAX_BOT_FILE_BYTES = 20 * 1024 * 1024;

export interface ReplyFile {
  fileId: string;
  fileName: string;
  mimeType: string;
}

/** The file in a reply, named with the extension Green-API needs to pick the WhatsApp message type. */
export function replyFile(msg: Message): ReplyFile | null {
  if (msg.voice)
    return { fileId: msg.voice.file_id, fileName: "voice.ogg", mimeType: msg.voice.mime_type ?? "audio/ogg" };
  if (msg.audio)
    return {
      fileId: msg.audio.file_id,
      fileName: msg.audio.file_name ?? "audio.mp3",
      mimeType: msg.audio.mime_type ?? "audio/mpeg",
    };
  if (msg.photo?.length) return { fileId: msg.photo.at(-1)!.file_id, fileName: "photo.jpg", mimeType: "image/jpeg" };
  if (msg.video)
    return {
      fileId: msg.video.file_id,
      fileName: msg.video.file_name ?? "video.mp4",
      mimeType: msg.video.mime_type ?? "video/mp4",
    };
  if (msg.document)
    return {
      fileId: msg.document.file_id,
      fileName: msg.document.file_name ?? "file.bin",
      mimeType: msg.document.mime_type ?? "application/octet-stream",
    };
  if (msg.sticker && !msg.sticker.is_animated && !msg.sticker.is_video)
    return { fileId: msg.sticker.file_id, fileName: "sticker.webp", mimeType: "image/webp" };
  return null;
}

/** Downloads the file and stores it; returns what the outbox needs for a file send. */
export async function fetchReplyFile(api: Api, apiRoot: string, token: string, store: MediaStore, file: ReplyFile) {
  const info = await api.getFile(file.fileId);
  if (!info.file_path) throw new Error("Telegram gave no file path");
  if ((info.file_size ?? 0) > MAX_BOT_FILE_BYTES) throw new Error("file too big for the Bot API (20 MB)");
  const res = await fetch(`${apiRoot}/file/bot${token}/${info.file_path}`);
  if (!res.ok) throw new Error(`file download answered ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const stored = await store.store(bytes, { fileName: file.fileName, mimeType: file.mimeType });
  return { sha256: stored.sha256, size: stored.size, fileName: file.fileName, mimeType: file.mimeType };
}
