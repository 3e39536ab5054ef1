// Readable text for messages WhatsApp sends as structured data (locations, contacts, polls, calls…), in the reader's language.
import type { MessageMedia } from "../db/schema/index.ts";
import { messageDataSchema, type MessageData } from "../greenapi/messages.ts";
import type { MessageKey, Translate } from "../lib/i18n.ts";
import { shorten } from "../lib/names.ts";

/** typeMessage values stored natively: their text (or caption) is the message body, files go to `media`. */
const NATIVE_TYPES: ReadonlySet<string> = new Set([
  "textMessage",
  "extendedTextMessage",
  "quotedMessage",
  "imageMessage",
  "videoMessage",
  "audioMessage",
  "documentMessage",
  "stickerMessage",
]);

/** The stored `type` of the system line an incoming call leaves. */
export const CALL_TYPE = "incomingCall";

const CALL_KEYS: Record<string, MessageKey> = {
  offer: "msg.call.offer",
  missed: "msg.call.missed",
  pickUp: "msg.call.pickUp",
  hangUp: "msg.call.hangUp",
  declined: "msg.call.declined",
};

const MEDIA_KEYS: Record<MessageMedia["kind"], MessageKey> = {
  image: "msg.photo",
  video: "msg.video",
  audio: "msg.audio",
  voice: "msg.voice",
  sticker: "msg.sticker",
  document: "msg.document",
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
 * Text rendering of a message that is not stored natively, or null for native types (their text is the body).
 * Reactions and edits only get a line when the message they refer to is not in the inbox.
 */
export function renderMessageData(data: MessageData, t: Translate): string | null {
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
      return t("msg.location", { coords: `${l.latitude}, ${l.longitude}`, place: place ? ` — ${place}` : "" });
    }
    case "contactMessage":
      return t("msg.contact", {
        contact: vcardSummary(data.contactMessageData.displayName, data.contactMessageData.vcard),
      });
    case "contactsArrayMessage": {
      const contacts = data.messageData.contacts;
      return t("msg.contacts", {
        count: contacts.length,
        contacts: contacts.map((c) => vcardSummary(c.displayName, c.vcard)).join("; "),
      });
    }
    case "pollMessage": {
      const p = data.pollMessageData;
      return t(p.multipleAnswers ? "msg.pollMultiple" : "msg.poll", {
        name: p.name,
        options: p.options.map((o) => o.optionName).join(" / "),
      });
    }
    case "pollUpdateMessage": {
      const p = data.pollMessageData;
      return t("msg.pollUpdate", {
        name: p.name,
        votes: p.votes.map((v) => `${v.optionName}: ${v.optionVoters.length}`).join(", "),
      });
    }
    case "buttonsResponseMessage":
      return t("msg.choice", { text: data.buttonsResponseMessage.selectedButtonText });
    case "listResponseMessage":
      return t("msg.choice", { text: data.listResponseMessage.title || data.listResponseMessage.singleSelectReply });
    case "templateButtonsReplyMessage":
    case "templateButtonReplyMessage":
      return t("msg.choice", { text: data.templateButtonReplyMessage.selectedDisplayText });
    case "interactiveButtonsResponse":
      return t("msg.choice", { text: data.interactiveButtonsResponse.selectedDisplayText });
    case "groupInviteMessage": {
      const g = data.groupInviteMessageData;
      const line = t("msg.groupInvite", { name: g.groupName || g.name || g.groupJid });
      return g.caption?.trim() ? `${line}\n${g.caption}` : line;
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
      return t("msg.interactive", {
        text: [text ?? "", options.length ? `(${options.join(" / ")})` : ""].filter(Boolean).join(" "),
      });
    }
    case "reactionMessage":
      return t("msg.reactionOrphan", { emoji: data.extendedTextMessageData.text });
    case "editedMessage":
      return t("msg.editOrphan", { text: data.editedMessageData.textMessage ?? data.editedMessageData.caption ?? "" });
    case "deletedMessage":
      return t("msg.deleted");
    case "unknown":
      return t("msg.unsupported", { type: data.originalTypeMessage });
  }
}

/** A stored message as far as rendering needs it. */
export interface RenderableMessage {
  type: string;
  text: string | null;
  /** The notification as received. */
  raw: unknown;
}

/**
 * The body to show for a stored message, in the reader's language: native types show their (possibly edited) text;
 * the others are rendered again from the raw notification, so each user reads them in their own language.
 */
export function messageBody(m: RenderableMessage, t: Translate): string {
  if (NATIVE_TYPES.has(m.type) || typeof m.raw !== "object" || m.raw === null) return m.text ?? "";
  const raw = m.raw as Record<string, unknown>;
  if (m.type === CALL_TYPE) return renderCall(String(raw.status), t);
  const parsed = messageDataSchema.safeParse(raw.messageData);
  return (parsed.success ? renderMessageData(parsed.data, t) : null) ?? m.text ?? "";
}

/** One line for the chat list: the body, or for media the kind and the caption ("📷 Photo · look"). */
export function previewText(m: RenderableMessage & { media: MessageMedia | null }, t: Translate): string {
  const body = messageBody(m, t).replace(/\s+/g, " ").trim();
  const line = m.media
    ? [m.media.kind === "document" && m.media.fileName ? `📄 ${m.media.fileName}` : t(MEDIA_KEYS[m.media.kind]), body]
        .filter(Boolean)
        .join(" · ")
    : body;
  return shorten(line, 120);
}
