// What one message notification means for the inbox: a message row to store, or an effect on an earlier message.
import type { MessageMedia, SystemEvent } from "../db/schema/index.ts";
import type { MessageNotification } from "../greenapi/notifications.ts";
import type { Translate } from "../lib/i18n.ts";
import { systemLineText } from "../lib/system-lines.ts";
import { messageLabel } from "./message-text.ts";

/** The content columns of a message row taken from the notification. */
export interface MessageContent {
  type: string;
  /** What search finds and the fallback shown: the text, or the label below rendered in DEFAULT_LOCALE. */
  text: string | null;
  /** A message that is not text (location, contact, poll…) as our label's code: shown in each reader's language. */
  event: SystemEvent | null;
  quotedIdMessage: string | null;
  media: MessageMedia | null;
}

/** A reaction, edit or delete of the message `target` (an idMessage in the same chat). */
export type Effect =
  | { kind: "react"; target: string; emoji: string }
  | { kind: "edit"; target: string; text: string }
  | { kind: "delete"; target: string };

/** `content` is stored as a message unless `effect` finds its target (deletes of unknown messages store nothing). */
export interface Extracted {
  content: MessageContent | null;
  effect?: Effect;
}

const FILE_KINDS: Record<string, MessageMedia["kind"]> = {
  imageMessage: "image",
  videoMessage: "video",
  audioMessage: "audio",
  documentMessage: "document",
  stickerMessage: "sticker",
};

const nonEmpty = (s: string | undefined | null): string | null => (s?.trim() ? s : null);

/** The file payload as received; the parsed one drops keys its schema does not know (e.g. a voice-note flag). */
function rawFileData(body: unknown): Record<string, unknown> {
  const data = (body as { messageData?: { fileMessageData?: unknown } } | null)?.messageData?.fileMessageData;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
}

/**
 * Maps a message notification to stored content. Messages that are not text keep their label as a code (`event`), which
 * pages and posts render in their reader's language; `text` holds it rendered with `t` (the default language) for search.
 */
export function extractMessage(event: MessageNotification, body: unknown, t: Translate): Extracted {
  const data = event.messageData;
  const quoted = "quotedMessage" in data && data.quotedMessage ? data.quotedMessage.stanzaId : null;
  const rendered = (): MessageContent => {
    const label = messageLabel(data);
    return {
      type: typeName(event),
      text: label && systemLineText(t, { text: null, event: label }),
      event: label,
      quotedIdMessage: quoted,
      media: null,
    };
  };
  switch (data.typeMessage) {
    case "textMessage":
      return {
        content: {
          type: data.typeMessage,
          text: data.textMessageData.textMessage,
          event: null,
          quotedIdMessage: quoted,
          media: null,
        },
      };
    case "extendedTextMessage":
    case "quotedMessage": {
      const ext = data.extendedTextMessageData;
      return {
        content: {
          type: data.typeMessage,
          text: ext.text,
          event: null,
          quotedIdMessage: quoted ?? ext.stanzaId ?? null,
          media: null,
        },
      };
    }
    case "imageMessage":
    case "videoMessage":
    case "audioMessage":
    case "documentMessage":
    case "stickerMessage": {
      const f = data.fileMessageData;
      const raw = rawFileData(body);
      const voice = data.typeMessage === "audioMessage" && (raw.ptt === true || raw.isPtt === true);
      const media: MessageMedia = {
        kind: voice ? "voice" : FILE_KINDS[data.typeMessage]!,
        state: "pending",
        ...(nonEmpty(f.mimeType) ? { mimeType: f.mimeType } : {}),
        ...(nonEmpty(f.fileName) ? { fileName: f.fileName } : {}),
        ...(nonEmpty(f.jpegThumbnail) ? { thumbnail: f.jpegThumbnail } : {}),
        ...(nonEmpty(f.downloadUrl) ? { downloadUrl: f.downloadUrl } : {}),
      };
      return {
        content: { type: data.typeMessage, text: nonEmpty(f.caption), event: null, quotedIdMessage: quoted, media },
      };
    }
    case "reactionMessage":
      return {
        content: data.extendedTextMessageData.text ? rendered() : null,
        effect: { kind: "react", target: data.quotedMessage.stanzaId, emoji: data.extendedTextMessageData.text },
      };
    case "editedMessage": {
      const e = data.editedMessageData;
      return {
        content: rendered(),
        effect: { kind: "edit", target: e.stanzaId, text: e.textMessage ?? e.caption ?? "" },
      };
    }
    case "deletedMessage":
      return { content: null, effect: { kind: "delete", target: data.deletedMessageData.stanzaId } };
    case "pollUpdateMessage":
      return { content: { ...rendered(), quotedIdMessage: data.pollMessageData.stanzaId } };
    case "buttonsResponseMessage":
      return { content: { ...rendered(), quotedIdMessage: data.buttonsResponseMessage.stanzaId } };
    case "listResponseMessage":
      return { content: { ...rendered(), quotedIdMessage: data.listResponseMessage.stanzaId } };
    case "templateButtonsReplyMessage":
    case "templateButtonReplyMessage":
      return { content: { ...rendered(), quotedIdMessage: data.templateButtonReplyMessage.stanzaId } };
    case "interactiveButtonsResponse":
      return { content: { ...rendered(), quotedIdMessage: data.interactiveButtonsResponse.stanzaId } };
    default:
      return { content: rendered() };
  }
}

/** The stored type: the typeMessage, or the original one when this version does not know it. */
function typeName(event: MessageNotification): string {
  const data = event.messageData;
  return data.typeMessage === "unknown" ? data.originalTypeMessage : data.typeMessage;
}
