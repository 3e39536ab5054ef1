// Turns an incoming WhatsApp message into Telegram posts: a bold header (who, which number) and the content, within Telegram's limits.
import type { MessageMedia } from "../db/schema/inbox.ts";
import type { StoredIncoming } from "../inbox/ingest.ts";
import type { Translate } from "../lib/i18n.ts";
import type { FileMethod, PostDraft, TextPayload } from "./posts.ts";

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

const FILE_METHOD: Record<MessageMedia["kind"], FileMethod> = {
  image: "sendPhoto", video: "sendVideo", audio: "sendAudio", voice: "sendVoice", sticker: "sendSticker", document: "sendDocument",
};

/** The message as stored, the number it came to, and the text of the message it quotes. */
export type NotificationInput = Pick<StoredIncoming, "waChatId" | "chatName" | "senderName" | "senderId" | "type" | "text" | "media"> & {
  instanceName: string;
  /** Text of the WhatsApp message this one quotes. */
  quotedText: string | null;
};

/** "79001234567@c.us" → "+79001234567"; other ids are shown as they are. */
export function phoneOf(waId: string): string {
  const m = /^(\d+)@c\.us$/.exec(waId);
  return m ? `+${m[1]}` : waId.replace(/@.*$/, "");
}

/** Splits text into pieces of at most `limit` UTF-16 units, preferring line breaks, then spaces; never inside a surrogate pair. */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(" ", limit);
    if (cut < limit / 2) cut = limit;
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? "")) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** The header: first line bold (name · phone), then the instance, then what is quoted. */
export function header(input: NotificationInput, t: Translate): { text: string; boldLength: number } {
  const group = input.waChatId.endsWith("@g.us");
  const who = group ? (input.senderId ?? "") : input.waChatId;
  const name = input.senderName || (group ? "" : input.chatName) || phoneOf(who);
  const first = group ? t("tg.headerGroup", { name, phone: phoneOf(who), group: input.chatName || phoneOf(input.waChatId) }) : t("tg.header", { name, phone: phoneOf(who) });
  const lines = [first, t("tg.via", { instance: input.instanceName })];
  if (input.quotedText) lines.push(t("tg.quote", { text: input.quotedText.length > 200 ? `${input.quotedText.slice(0, 199)}…` : input.quotedText }));
  return { text: lines.join("\n"), boldLength: first.length };
}

function textPosts(head: { text: string; boldLength: number } | null, body: string): PostDraft[] {
  const full = head ? (body ? `${head.text}\n\n${body}` : head.text) : body;
  return splitText(full).map((text, i) => ({
    method: "sendMessage" as const,
    payload: { text, ...(i === 0 && head ? { entities: [{ type: "bold" as const, offset: 0, length: Math.min(head.boldLength, text.length) }] } : {}) },
  }));
}

/**
 * Posts for one incoming message. Text: header and text in one message (split at 4096). Media: the native file with
 * the header as caption (the text goes on in messages of its own past 1024); stickers carry no caption, so the
 * header goes first. The file is picked when the post is sent; `fallback` is posted if it is not available by then.
 */
export function notificationPosts(input: NotificationInput, t: Translate): PostDraft[] {
  const head = header(input, t);
  const body = input.text ?? (input.media ? "" : t("tg.empty", { type: input.type }));
  if (!input.media) return textPosts(head, body);
  const method = FILE_METHOD[input.media.kind];
  const note = t("tg.mediaUnavailable", { kind: t(`tg.media.${input.media.kind}`) });
  const bold = [{ type: "bold" as const, offset: 0, length: head.boldLength }];
  if (method === "sendSticker") {
    return [...textPosts(head, body), { method, payload: { fallback: { text: note } } }];
  }
  const caption = body ? `${head.text}\n\n${body}` : head.text;
  if (caption.length <= CAPTION_LIMIT) {
    return [{ method, payload: { caption, caption_entities: bold, fallback: textPosts(head, `${note}\n\n${body}`.trim())[0]!.payload as TextPayload } }];
  }
  // Long text: the file goes with the header only, the text follows in messages of its own.
  const captionHead = head.text.slice(0, CAPTION_LIMIT);
  const fallback = textPosts(head, note)[0]!.payload as TextPayload;
  return [{ method, payload: { caption: captionHead, caption_entities: [{ ...bold[0]!, length: Math.min(head.boldLength, captionHead.length) }], fallback } }, ...textPosts(null, body)];
}
