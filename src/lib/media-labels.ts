// What a message's file is called where it stands for the message (bubbles, previews, quotes, posts): "📷 Photo"…
import type { MessageKey } from "./i18n.ts";

const MEDIA_LABELS: Record<string, MessageKey> = {
  image: "msg.photo",
  video: "msg.video",
  audio: "msg.audio",
  voice: "msg.voice",
  sticker: "msg.sticker",
  document: "msg.document",
};

/** The label's message key for a media kind (`document` for a kind this version does not know). */
export function mediaLabelKey(kind: string): MessageKey {
  return MEDIA_LABELS[kind] ?? "msg.document";
}
