// Readable text for messages WhatsApp sends as structured data (locations, contacts, polls, calls…), in the reader's language.
import type { MessageMedia, SystemEvent } from "../db/schema/index.ts";
import type { MessageData } from "../greenapi/messages.ts";
import type { MessageKey, Translate } from "../lib/i18n.ts";
import { shorten } from "../lib/names.ts";
import { systemLineText } from "../lib/system-lines.ts";
import { mediaLabelKey } from "../lib/media-labels.ts";

/** The stored `type` of the system line an incoming call leaves. */
export const CALL_TYPE = "incomingCall";

const CALL_KEYS: Record<string, MessageKey> = {
  offer: "msg.call.offer",
  missed: "msg.call.missed",
  pickUp: "msg.call.pickUp",
  hangUp: "msg.call.hangUp",
  declined: "msg.call.declined",
};

/** The message key of an incoming call's system line in a given state (offer, missed, pickUp, hangUp, declined). */
export function callLineKey(status: string): MessageKey {
  return CALL_KEYS[status] ?? "msg.call.offer";
}

/** The system line of an incoming call in a given state. */
export function renderCall(status: string, t: Translate): string {
  return t(callLineKey(status));
}

/** Name and phone numbers of a vCard ("Ann, +79001112233"). */
export function vcardSummary(displayName: string, vcard: string): string {
  const lines = vcard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const value = (line: string) => line.slice(line.indexOf(":") + 1).trim();
  const name = displayName.trim() || value(lines.find((l) => /^FN[;:]/i.test(l)) ?? "");
  const phones = lines
    .filter((l) => /^(item\d+\.)?TEL[;:]/i.test(l))
    .map(value)
    .filter(Boolean);
  return [name, ...phones].filter(Boolean).join(", ");
}

/** Titles of buttons, list rows or options inside an interactive payload (whatever shape it has). */
function optionTitles(payload: Record<string, unknown>): string[] {
  const titleOf = (item: unknown): string | undefined => {
    if (typeof item !== "object" || item === null) return undefined;
    const o = item as Record<string, unknown>;
    for (const k of ["buttonText", "title", "displayText", "optionName"]) {
      if (typeof o[k] === "string" && o[k]) return o[k] as string;
      if (typeof o[k] === "object" && o[k] !== null) return titleOf(o[k]);
    }
    return undefined;
  };
  const buttons = Array.isArray(payload.buttons) ? payload.buttons : [];
  const rows = Array.isArray(payload.sections)
    ? payload.sections.flatMap((s) =>
        Array.isArray((s as { rows?: unknown }).rows) ? (s as { rows: unknown[] }).rows : [],
      )
    : [];
  return [...buttons, ...rows].map(titleOf).filter((x): x is string => x !== undefined);
}

/**
 * The label of a message that is not stored natively, as a code (stored in `messages.event`): one of our message keys
 * and its parameters, which are the customer's own words (poll question, contact, place) and are never translated.
 * Null for native types (their text is the body). Reactions and edits only get a line when their target is not stored.
 */
export function messageLabel(data: MessageData): SystemEvent | null {
  switch (data.typeMessage) {
    case "textMessage":
    case "extendedTextMessage":
    case "quotedMessage":
    case "imageMessage":
    case "videoMessage":
    case "audioMessage":
    case "documentMessage":
    case "stickerMessage":
      return null;
    case "locationMessage": {
      const l = data.locationMessageData;
      const place = [l.nameLocation, l.address].filter((s) => s?.trim()).join(", ");
      return {
        key: "msg.location",
        params: { coords: `${l.latitude}, ${l.longitude}`, place: place ? ` — ${place}` : "" },
      };
    }
    case "contactMessage":
      return {
        key: "msg.contact",
        params: { contact: vcardSummary(data.contactMessageData.displayName, data.contactMessageData.vcard) },
      };
    case "contactsArrayMessage": {
      const contacts = data.messageData.contacts;
      return {
        key: "msg.contacts",
        params: {
          count: contacts.length,
          contacts: contacts.map((c) => vcardSummary(c.displayName, c.vcard)).join("; "),
        },
      };
    }
    case "pollMessage": {
      const p = data.pollMessageData;
      return {
        key: p.multipleAnswers ? "msg.pollMultiple" : "msg.poll",
        params: { name: p.name, options: p.options.map((o) => o.optionName).join(" / ") },
      };
    }
    case "pollUpdateMessage": {
      const p = data.pollMessageData;
      return {
        key: "msg.pollUpdate",
        params: { name: p.name, votes: p.votes.map((v) => `${v.optionName}: ${v.optionVoters.length}`).join(", ") },
      };
    }
    case "buttonsResponseMessage":
      return choice(data.buttonsResponseMessage.selectedButtonText);
    case "listResponseMessage":
      return choice(data.listResponseMessage.title || data.listResponseMessage.singleSelectReply);
    case "templateButtonsReplyMessage":
    case "templateButtonReplyMessage":
      return choice(data.templateButtonReplyMessage.selectedDisplayText);
    case "interactiveButtonsResponse":
      return choice(data.interactiveButtonsResponse.selectedDisplayText);
    case "groupInviteMessage": {
      const g = data.groupInviteMessageData;
      const caption = g.caption?.trim() ? `\n${g.caption}` : "";
      return { key: "msg.groupInvite", params: { name: g.groupName || g.name || g.groupJid, caption } };
    }
    case "buttonsMessage":
    case "listMessage":
    case "templateMessage":
    case "interactiveButtons":
    case "interactiveButtonsReply": {
      const payload = (data as Record<string, unknown>)[data.typeMessage] as Record<string, unknown>;
      const options = optionTitles(payload);
      const text = [payload.contentText, payload.title, payload.description].find(
        (s) => typeof s === "string" && s.trim(),
      ) as string | undefined;
      return {
        key: "msg.interactive",
        params: { text: [text ?? "", options.length ? `(${options.join(" / ")})` : ""].filter(Boolean).join(" ") },
      };
    }
    case "reactionMessage":
      return { key: "msg.reactionOrphan", params: { emoji: data.extendedTextMessageData.text } };
    case "editedMessage":
      return {
        key: "msg.editOrphan",
        params: { text: data.editedMessageData.textMessage ?? data.editedMessageData.caption ?? "" },
      };
    case "deletedMessage":
      return { key: "msg.deleted" };
    case "unknown":
      return { key: "msg.unsupported", params: { type: data.originalTypeMessage } };
  }
}

const choice = (text: string): SystemEvent => ({ key: "msg.choice", params: { text } });

/** One line for the chat list: the body, or for media the kind and the caption ("📷 Photo · look"). */
export function previewText(
  m: { text: string | null; event: SystemEvent | null; media: MessageMedia | null },
  t: Translate,
): string {
  const body = systemLineText(t, m).replace(/\s+/g, " ").trim();
  const line = m.media
    ? [
        m.media.kind === "document" && m.media.fileName ? `📄 ${m.media.fileName}` : t(mediaLabelKey(m.media.kind)),
        body,
      ]
        .filter(Boolean)
        .join(" · ")
    : body;
  return shorten(line, 120);
}
