// Turns an incoming WhatsApp message into Telegram posts: a bold header (who, which number) and the content, within Telegram's limits.
import type { MessageMedia } from "../db/schema/inbox.ts";
import type { StoredIncoming } from "../conversations/index.ts";
import type { Translate } from "../lib/i18n.ts";
import { shorten } from "../lib/names.ts";
import { systemLineText } from "../lib/system-lines.ts";
import type { FileMethod, PostDraft, TextPayload } from "./posts.ts";

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

const FILE_METHOD: Record<MessageMedia["kind"], FileMethod> = {
  image: "sendPhoto",
  video: "sendVideo",
  audio: "sendAudio",
  voice: "sendVoice",
  sticker: "sendSticker",
  document: "sendDocument",
};

/** The message as stored, the number it came to, and the text of the message it quotes. */
export type NotificationInput = Pick<
  StoredIncoming,
  "waChatId" | "altWaChatId" | "chatName" | "senderName" | "senderId" | "type" | "text" | "event" | "media"
> & {
  instanceName: string;
  /** Text of the WhatsApp message this one quotes. */
  quotedText: string | null;
};

/** "79001234567@c.us" → "+79001234567"; a privacy id (`…@lid`) or a group id is no phone number: null. */
export function phoneOf(waId: string | null | undefined): string | null {
  const m = /^(\d+)@c\.us$/.exec(waId ?? "");
  return m ? `+${m[1]}` : null;
}

/** Names in headers are cut (by grapheme) at this length: group subjects may run to 100 characters. */
const NAME_MAX = 64;

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

/**
 * The header: first line bold (who wrote: name · phone; in a group also the group), then the instance, then what is
 * quoted. A person's phone is shown when known: a group member's own id, or either id of a personal chat (LID mode).
 */
function header(input: NotificationInput, t: Translate): { text: string; boldLength: number } {
  const group = input.waChatId.endsWith("@g.us");
  const phone = group ? phoneOf(input.senderId) : (phoneOf(input.waChatId) ?? phoneOf(input.altWaChatId));
  const name = shorten(input.senderName || (group ? "" : input.chatName) || phone || t("tg.unknownSender"), NAME_MAX);
  const who = phone && phone !== name ? t("tg.header", { name, phone }) : name;
  const first = group ? t("tg.headerGroup", { who, group: shorten(input.chatName || t("tg.group"), NAME_MAX) }) : who;
  const lines = [first, t("tg.via", { instance: input.instanceName })];
  if (input.quotedText) lines.push(t("tg.quote", { text: shorten(input.quotedText, 200) }));
  return { text: lines.join("\n"), boldLength: first.length };
}

function textPosts(head: { text: string; boldLength: number } | null, body: string): PostDraft[] {
  const full = head ? (body ? `${head.text}\n\n${body}` : head.text) : body;
  return splitText(full).map((text, i) => ({
    method: "sendMessage" as const,
    payload: {
      text,
      ...(i === 0 && head
        ? { entities: [{ type: "bold" as const, offset: 0, length: Math.min(head.boldLength, text.length) }] }
        : {}),
    },
  }));
}

/**
 * Posts for one incoming message. Text: header and text in one message (split at 4096). Media: the native file with
 * the header as caption (the text goes on in messages of its own past 1024); stickers carry no caption, so the
 * header goes first. The file is picked when the post is sent; `fallback` is posted if it is not available by then.
 */
export function notificationPosts(input: NotificationInput, t: Translate): PostDraft[] {
  const head = header(input, t);
  // A location, contact, poll… is stored as a code: our label in the channel's language, the customer's words as sent.
  const body = input.event
    ? systemLineText(t, input)
    : (input.text ?? (input.media ? "" : t("tg.empty", { type: input.type })));
  if (!input.media) return textPosts(head, body);
  const method = FILE_METHOD[input.media.kind];
  const note = t("tg.mediaUnavailable", { kind: t(`tg.media.${input.media.kind}`) });
  const bold = [{ type: "bold" as const, offset: 0, length: head.boldLength }];
  if (method === "sendSticker") {
    return [...textPosts(head, body), { method, payload: { fallback: { text: note } } }];
  }
  const caption = body ? `${head.text}\n\n${body}` : head.text;
  if (caption.length <= CAPTION_LIMIT) {
    return [
      {
        method,
        payload: {
          caption,
          caption_entities: bold,
          fallback: textPosts(head, `${note}\n\n${body}`.trim())[0]!.payload as TextPayload,
        },
      },
    ];
  }
  // Long text: the file goes with the header only, the text follows in messages of its own.
  const captionHead = shorten(head.text, CAPTION_LIMIT, { measure: "utf16" });
  const fallback = textPosts(head, note)[0]!.payload as TextPayload;
  return [
    {
      method,
      payload: {
        caption: captionHead,
        caption_entities: [{ ...bold[0]!, length: Math.min(head.boldLength, captionHead.length) }],
        fallback,
      },
    },
    ...textPosts(null, body),
  ];
}
