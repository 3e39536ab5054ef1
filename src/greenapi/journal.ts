// Journal items (getChatHistory, lastIncoming/OutgoingMessages) as the message notifications they would have been.
// Journals flatten `messageData` (shared/green-api.md §2); the inbox ingests webhook-shaped bodies, so history goes
// through the same mapping as live traffic.
import type { JournalMessage } from "./schemas.ts";
import { sanitizeNotification } from "./sanitize.ts";

/** Fields of a journal item that describe the envelope, not the payload. */
const ENVELOPE = new Set([
  "type",
  "idMessage",
  "timestamp",
  "typeMessage",
  "chatId",
  "senderId",
  "senderName",
  "senderContactName",
  "chatName",
  "statusMessage",
  "sendByApi",
  "isEdited",
  "isDeleted",
  "editedMessageId",
  "deletedMessageId",
]);

const FILE_TYPES = new Set(["imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage"]);
const FILE_FIELDS = [
  "downloadUrl",
  "caption",
  "fileName",
  "jpegThumbnail",
  "mimeType",
  "isAnimated",
  "forwardingScore",
  "isForwarded",
];

type Item = JournalMessage & Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function pick(item: Item, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
}

/** Rebuilds webhook `messageData` from a flattened journal item. */
function journalMessageData(item: JournalMessage): Record<string, unknown> {
  const it = item as Item;
  const type = it.typeMessage;
  const forwarding = pick(it, ["forwardingScore", "isForwarded"]);
  const quoted = it.quotedMessage ? { quotedMessage: it.quotedMessage } : {};
  const ext = (it.extendedTextMessage ?? {}) as Record<string, unknown>;
  const text = str(ext.text) ?? str(it.textMessage) ?? "";
  switch (true) {
    case type === "textMessage":
      return { typeMessage: type, textMessageData: { textMessage: text }, ...quoted };
    case type === "extendedTextMessage":
      return { typeMessage: type, extendedTextMessageData: { ...ext, text, ...forwarding }, ...quoted };
    case type === "quotedMessage": {
      const q = (it.quotedMessage ?? {}) as Record<string, unknown>;
      return {
        typeMessage: type,
        extendedTextMessageData: { ...ext, text, stanzaId: q.stanzaId, participant: q.participant },
        ...quoted,
      };
    }
    case FILE_TYPES.has(type):
      return { typeMessage: type, fileMessageData: { downloadUrl: "", ...pick(it, FILE_FIELDS) }, ...quoted };
    case type === "locationMessage":
      return { typeMessage: type, locationMessageData: { ...it.location, ...forwarding }, ...quoted };
    case type === "contactMessage":
      return { typeMessage: type, contactMessageData: { ...it.contact, ...forwarding }, ...quoted };
    case type === "contactsArrayMessage":
      return { typeMessage: type, messageData: { contacts: it.contacts ?? [], ...forwarding }, ...quoted };
    case type === "reactionMessage":
      return { typeMessage: type, extendedTextMessageData: it.extendedTextMessageData ?? { text }, ...quoted };
    case type === "editedMessage":
      return { typeMessage: type, editedMessageData: { stanzaId: it.editedMessageId ?? "", textMessage: text } };
    case type === "deletedMessage":
      return { typeMessage: type, deletedMessageData: { stanzaId: it.deletedMessageId ?? "" } };
    default:
      // Polls, buttons, invites…: journals keep these payloads under their own key, as webhooks do.
      return { typeMessage: type, ...Object.fromEntries(Object.entries(it).filter(([k]) => !ENVELOPE.has(k))) };
  }
}

/**
 * The message notification a journal item stands for: incoming → incomingMessageReceived; outgoing →
 * outgoingAPIMessageReceived (sent through the API) or outgoingMessageReceived (typed on the phone). Repaired as live
 * notifications are (sanitize.ts: NUL bytes, lone surrogates, a timestamp in milliseconds or impossible — then now).
 */
export function journalToNotification(
  item: JournalMessage,
  instance: { idInstance: number; wid: string | null },
  chatName?: string,
): Record<string, unknown> {
  const wid = instance.wid ?? "";
  const incoming = item.type === "incoming";
  const it = item as Item;
  const senderName = incoming ? item.senderName : "";
  const body = {
    typeWebhook: incoming
      ? "incomingMessageReceived"
      : item.sendByApi
        ? "outgoingAPIMessageReceived"
        : "outgoingMessageReceived",
    instanceData: { idInstance: instance.idInstance, wid, typeInstance: "whatsapp" },
    timestamp: item.timestamp,
    idMessage: item.idMessage,
    senderData: {
      chatId: item.chatId,
      // Journals carry no chat title; the address book (getContacts) may know it, a group's name in particular.
      chatName: str(it.chatName) ?? chatName ?? "",
      // The own number is unknown while not linked; the chat stands in (only incoming senders are shown).
      sender: incoming ? item.senderId : wid || item.chatId,
      senderName,
      senderContactName: incoming ? (item.senderContactName ?? "") : "",
    },
    messageData: journalMessageData(item),
  };
  return sanitizeNotification(body, new Date()).body as Record<string, unknown>;
}

/** A deletedMessage notification for a journal item marked `isDeleted` (applied after the item is stored). */
export function journalDeletion(
  item: JournalMessage,
  instance: { idInstance: number; wid: string | null },
): Record<string, unknown> | null {
  if ((item as Item).isDeleted !== true) return null;
  const body = journalToNotification(item, instance);
  return {
    ...body,
    idMessage: `${item.idMessage}-deleted`,
    messageData: { typeMessage: "deletedMessage", deletedMessageData: { stanzaId: item.idMessage } },
  };
}
