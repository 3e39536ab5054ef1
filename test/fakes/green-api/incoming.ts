// Control-API input for injected messages, turned into realistic `messageData` for every typeMessage.
import { z } from "zod";
import { chatIdSchema } from "../../../src/greenapi/schemas.ts";
import { quoteOf } from "./journal.ts";
import { anyChatIdSchema } from "./wire-ids.ts";
import { storeIncomingFile } from "./media.ts";
import type { FakeInstance, World } from "./world.ts";

const base = {
  /** Any chat, Status stories (`status@broadcast`) and channels (`…@newsletter`) included. */
  chatId: anyChatIdSchema,
  /** Group member who wrote (defaults to chatId for personal chats). */
  sender: chatIdSchema.optional(),
  senderName: z.string().optional(),
  senderContactName: z.string().optional(),
  chatName: z.string().optional(),
  /**
   * The writer's number beside a `…@lid` chat id, in `senderData.senderPhoneNumber` (a number, as Green-API's Telegram
   * and MAX notifications carry it; whether WhatsApp LID-mode bodies do is not confirmed by a real body).
   */
  senderPhoneNumber: z.number().int().optional(),
  idMessage: z.string().optional(),
  /**
   * The notification's `timestamp` as given, instead of now in seconds: milliseconds (as some real bodies carry),
   * negative, zero or far in the future. The journal entry keeps the same value.
   */
  timestamp: z.number().optional(),
  /** Reply to this message of the same chat (adds messageData.quotedMessage). */
  quotedMessageId: z.string().optional(),
};
const stanza = { stanzaId: z.string(), ...base };
const vcardContact = z.object({
  displayName: z.string(),
  phone: z.string().regex(/^\d+$/).optional(),
  vcard: z.string().optional(),
});

/** One injected message; `type` is the Green-API typeMessage (`raw` sends any other payload as is). */
export const injectMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("textMessage"), text: z.string(), ...base }),
  z.object({
    type: z.literal("extendedTextMessage"),
    text: z.string(),
    title: z.string().default(""),
    description: z.string().default(""),
    ...base,
  }),
  z.object({ type: z.literal("quotedMessage"), text: z.string(), ...base, quotedMessageId: z.string() }),
  z.object({
    type: z.literal(["imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage"]),
    fileName: z.string().optional(),
    mimeType: z.string().optional(),
    caption: z.string().optional(),
    /** File content: base64 bytes or plain text (a small placeholder when both are absent). */
    base64: z.string().optional(),
    content: z.string().optional(),
    /** Where the notification says the file is: Green-API's storage (default; only downloadFile reaches it) or the fake's own URL. */
    fileUrl: z.enum(["storage", "served"]).default("storage"),
    ...base,
  }),
  z.object({
    type: z.literal("locationMessage"),
    latitude: z.number(),
    longitude: z.number(),
    nameLocation: z.string().default(""),
    address: z.string().default(""),
    ...base,
  }),
  z.object({ type: z.literal("contactMessage"), contact: vcardContact, ...base }),
  z.object({ type: z.literal("contactsArrayMessage"), contacts: z.array(vcardContact).min(1), ...base }),
  z.object({
    type: z.literal("pollMessage"),
    name: z.string(),
    options: z.array(z.string()).min(2),
    multipleAnswers: z.boolean().default(false),
    ...base,
  }),
  z.object({
    type: z.literal("pollUpdateMessage"),
    name: z.string(),
    multipleAnswers: z.boolean().default(false),
    votes: z.array(z.object({ optionName: z.string(), optionVoters: z.array(z.string()) })),
    ...stanza,
  }),
  z.object({ type: z.literal("reactionMessage"), emoji: z.string(), ...stanza }),
  z.object({ type: z.literal("editedMessage"), text: z.string(), ...stanza }),
  z.object({ type: z.literal("deletedMessage"), ...stanza }),
  z.object({
    type: z.literal("buttonsResponseMessage"),
    selectedButtonId: z.string(),
    selectedButtonText: z.string(),
    ...stanza,
  }),
  z.object({ type: z.literal("listResponseMessage"), title: z.string(), singleSelectReply: z.string(), ...stanza }),
  z.object({
    type: z.literal(["templateButtonsReplyMessage", "interactiveButtonsResponse"]),
    selectedIndex: z.number().int(),
    selectedId: z.string(),
    selectedDisplayText: z.string(),
    ...stanza,
  }),
  z.object({
    type: z.literal("groupInviteMessage"),
    groupJid: chatIdSchema,
    inviteCode: z.string(),
    groupName: z.string(),
    caption: z.string().default(""),
    ...base,
  }),
  z.object({ type: z.literal("raw"), typeMessage: z.string(), payload: z.record(z.string(), z.unknown()), ...base }),
]);
export type InjectMessageInput = z.input<typeof injectMessageSchema>;
type Injected = z.output<typeof injectMessageSchema>;

const DEFAULT_FILE: Record<string, [string, string]> = {
  imageMessage: ["photo.jpg", "image/jpeg"],
  videoMessage: ["video.mp4", "video/mp4"],
  audioMessage: ["voice.ogg", "audio/ogg; codecs=opus"],
  documentMessage: ["document.pdf", "application/pdf"],
  stickerMessage: ["sticker.webp", "image/webp"],
};

const forwardable = { forwardingScore: 0, isForwarded: false };

function vcard(c: z.output<typeof vcardContact>): { displayName: string; vcard: string } {
  const phone = c.phone ?? "79000000000";
  return {
    displayName: c.displayName,
    vcard:
      c.vcard ??
      `BEGIN:VCARD\nVERSION:3.0\nN:;${c.displayName};;;\nFN:${c.displayName}\nTEL;type=CELL;waid=${phone}:+${phone}\nEND:VCARD`,
  };
}

/** Builds the webhook `messageData` of an injected message (quotedMessage added by the caller). */
export function buildMessageData(world: World, inst: FakeInstance, m: Injected): Record<string, unknown> {
  const quote = (id: string) => quoteOf(inst, m.chatId, id);
  switch (m.type) {
    case "textMessage":
      return { typeMessage: m.type, textMessageData: { textMessage: m.text } };
    case "extendedTextMessage":
      return {
        typeMessage: m.type,
        extendedTextMessageData: {
          text: m.text,
          description: m.description,
          title: m.title,
          previewType: "None",
          jpegThumbnail: "",
          ...forwardable,
        },
      };
    case "quotedMessage": {
      const quoted = quote(m.quotedMessageId);
      return {
        typeMessage: m.type,
        extendedTextMessageData: { text: m.text, stanzaId: m.quotedMessageId, participant: quoted.participant },
        quotedMessage: quoted,
      };
    }
    case "imageMessage":
    case "videoMessage":
    case "audioMessage":
    case "documentMessage":
    case "stickerMessage": {
      const [defaultName, defaultMime] = DEFAULT_FILE[m.type]!;
      const fileName = m.fileName ?? defaultName;
      const mimeType = m.mimeType ?? defaultMime;
      const bytes =
        m.base64 !== undefined
          ? Buffer.from(m.base64, "base64")
          : new TextEncoder().encode(m.content ?? `fake ${m.type}`);
      const downloadUrl = storeIncomingFile(world, inst, bytes, fileName, mimeType, m.fileUrl);
      const fileMessageData: Record<string, unknown> = {
        downloadUrl,
        caption: m.caption ?? "",
        fileName,
        jpegThumbnail: "",
        mimeType,
        ...forwardable,
      };
      if (m.type === "stickerMessage") fileMessageData.isAnimated = false;
      return { typeMessage: m.type, fileMessageData };
    }
    case "locationMessage":
      return {
        typeMessage: m.type,
        locationMessageData: {
          nameLocation: m.nameLocation,
          address: m.address,
          jpegThumbnail: "",
          latitude: m.latitude,
          longitude: m.longitude,
          ...forwardable,
        },
      };
    case "contactMessage":
      return { typeMessage: m.type, contactMessageData: { ...vcard(m.contact), ...forwardable } };
    case "contactsArrayMessage":
      return { typeMessage: m.type, messageData: { contacts: m.contacts.map(vcard), ...forwardable } };
    case "pollMessage":
      return {
        typeMessage: m.type,
        pollMessageData: {
          name: m.name,
          options: m.options.map((optionName) => ({ optionName })),
          multipleAnswers: m.multipleAnswers,
        },
      };
    case "pollUpdateMessage":
      return {
        typeMessage: m.type,
        pollMessageData: { stanzaId: m.stanzaId, name: m.name, votes: m.votes, multipleAnswers: m.multipleAnswers },
      };
    case "reactionMessage": {
      const { stanzaId, participant } = quote(m.stanzaId);
      return {
        typeMessage: m.type,
        extendedTextMessageData: { text: m.emoji },
        quotedMessage: { stanzaId, participant },
      };
    }
    case "editedMessage":
      return { typeMessage: m.type, editedMessageData: { textMessage: m.text, stanzaId: m.stanzaId } };
    case "deletedMessage":
      return { typeMessage: m.type, deletedMessageData: { stanzaId: m.stanzaId } };
    case "buttonsResponseMessage":
      return {
        typeMessage: m.type,
        buttonsResponseMessage: {
          stanzaId: m.stanzaId,
          selectedButtonId: m.selectedButtonId,
          selectedButtonText: m.selectedButtonText,
        },
      };
    case "listResponseMessage":
      return {
        typeMessage: m.type,
        listResponseMessage: {
          stanzaId: m.stanzaId,
          title: m.title,
          listType: 1,
          singleSelectReply: m.singleSelectReply,
        },
      };
    case "templateButtonsReplyMessage":
    case "interactiveButtonsResponse": {
      const key = m.type === "interactiveButtonsResponse" ? m.type : "templateButtonReplyMessage";
      return {
        typeMessage: m.type,
        [key]: {
          stanzaId: m.stanzaId,
          selectedIndex: m.selectedIndex,
          selectedId: m.selectedId,
          selectedDisplayText: m.selectedDisplayText,
        },
      };
    }
    case "groupInviteMessage":
      return {
        typeMessage: m.type,
        groupInviteMessageData: {
          groupJid: m.groupJid,
          inviteCode: m.inviteCode,
          inviteExpiration: String(Math.floor(Date.now() / 1000) + 604800),
          groupName: m.groupName,
          caption: m.caption,
          name: m.groupName,
          jpegThumbnail: "",
        },
      };
    case "raw":
      return { ...m.payload, typeMessage: m.typeMessage };
  }
}

/** Settings flag that must also be "yes" for this typeMessage to be notified (beyond incoming/outgoing). */
export function extraGate(
  typeMessage: string,
): "pollMessageWebhook" | "editedMessageWebhook" | "deletedMessageWebhook" | null {
  if (typeMessage === "pollMessage" || typeMessage === "pollUpdateMessage") return "pollMessageWebhook";
  if (typeMessage === "editedMessage") return "editedMessageWebhook";
  if (typeMessage === "deletedMessage") return "deletedMessageWebhook";
  return null;
}
