// Journal of the fake: webhook messageData flattened into journal items, quoting, and lookups.
import type { FakeInstance, JournalItem } from "./world.ts";

const META = new Set([
  "type",
  "idMessage",
  "timestamp",
  "chatId",
  "senderId",
  "senderName",
  "senderContactName",
  "statusMessage",
  "sendByApi",
]);

/** Flattens a webhook `messageData` the way journals present it (shared/green-api.md §2 "Journals"). */
export function flattenMessageData(messageData: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { typeMessage: messageData.typeMessage };
  for (const [key, value] of Object.entries(messageData)) {
    const v = value as Record<string, unknown>;
    switch (key) {
      case "typeMessage":
        break;
      case "textMessageData":
        out.textMessage = v.textMessage;
        break;
      case "extendedTextMessageData":
        if (messageData.typeMessage === "reactionMessage") out.extendedTextMessageData = v;
        else {
          const { text, ...rest } = v;
          out.textMessage = text;
          out.extendedTextMessage = rest;
        }
        break;
      case "fileMessageData":
        Object.assign(out, v);
        break;
      case "locationMessageData":
        out.location = v;
        break;
      case "contactMessageData":
        out.contact = v;
        break;
      case "messageData":
        out.contacts = v.contacts;
        break;
      case "editedMessageData":
        Object.assign(out, { editedMessageId: v.stanzaId, isEdited: true, textMessage: v.textMessage ?? v.caption });
        break;
      case "deletedMessageData":
        Object.assign(out, { deletedMessageId: v.stanzaId, isDeleted: true });
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

export function findMessage(inst: FakeInstance, chatId: string, idMessage: string): JournalItem | undefined {
  return inst.journal.find((m) => m.chatId === chatId && m.idMessage === idMessage);
}

/** `quotedMessage` block for a reply to `stanzaId` in the same chat (minimal when the original is unknown). */
export function quoteOf(inst: FakeInstance, chatId: string, stanzaId: string): Record<string, unknown> {
  const original = findMessage(inst, chatId, stanzaId);
  if (!original) return { stanzaId, participant: chatId };
  const participant = original.type === "incoming" ? original.senderId : `${inst.phone}@c.us`;
  const payload = Object.fromEntries(Object.entries(original).filter(([k]) => !META.has(k)));
  return { stanzaId, participant, ...payload };
}

/** Appends a journal item (kept oldest first; journal methods answer newest first). */
export function record(inst: FakeInstance, item: JournalItem): JournalItem {
  inst.journal.push(item);
  return item;
}
