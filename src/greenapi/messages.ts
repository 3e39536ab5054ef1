// Zod schemas for `messageData` of message notifications, one per typeMessage, with an `unknown` fallback.
import { z } from "zod";

const forwardable = { forwardingScore: z.number().optional(), isForwarded: z.boolean().optional() };

/** `messageData.quotedMessage`: the replied-to message, its payload flattened (journal style). */
const quotedMessageSchema = z.looseObject({
  stanzaId: z.string(),
  participant: z.string().optional(),
  typeMessage: z.string().optional(),
});

const quoted = { quotedMessage: quotedMessageSchema.optional() };

const fileMessageData = z.object({
  downloadUrl: z.string(),
  caption: z.string().optional(),
  fileName: z.string().optional(),
  jpegThumbnail: z.string().optional(),
  mimeType: z.string().optional(),
  isAnimated: z.boolean().optional(),
  ...forwardable,
});

const extendedTextMessageData = z.looseObject({
  text: z.string(),
  description: z.string().optional(),
  title: z.string().optional(),
  previewType: z.string().optional(),
  jpegThumbnail: z.string().optional(),
  stanzaId: z.string().optional(),
  participant: z.string().optional(),
  ...forwardable,
});

const vcardContact = z.object({ displayName: z.string(), vcard: z.string() });
const pollOption = z.object({ optionName: z.string() });

/** Interactive/template payloads: only the commonly used fields are typed, the rest is kept. */
const richPayload = z.looseObject({ contentText: z.string().optional(), footer: z.string().optional() });

/** Every documented typeMessage with its payload key. */
export const knownMessageDataSchema = z.discriminatedUnion("typeMessage", [
  z.object({
    typeMessage: z.literal("textMessage"),
    textMessageData: z.object({ textMessage: z.string() }),
    ...quoted,
  }),
  z.object({ typeMessage: z.literal("extendedTextMessage"), extendedTextMessageData, ...quoted }),
  z.object({ typeMessage: z.literal("quotedMessage"), extendedTextMessageData, quotedMessage: quotedMessageSchema }),
  z.object({
    typeMessage: z.literal(["imageMessage", "videoMessage", "documentMessage", "audioMessage", "stickerMessage"]),
    fileMessageData,
    ...quoted,
  }),
  z.object({
    typeMessage: z.literal("locationMessage"),
    locationMessageData: z.object({
      latitude: z.number(),
      longitude: z.number(),
      nameLocation: z.string().optional(),
      address: z.string().optional(),
      jpegThumbnail: z.string().optional(),
      ...forwardable,
    }),
    ...quoted,
  }),
  z.object({
    typeMessage: z.literal("contactMessage"),
    contactMessageData: vcardContact.extend(forwardable),
    ...quoted,
  }),
  z.object({
    typeMessage: z.literal("contactsArrayMessage"),
    // The nested key is literally `messageData` (shared/green-api.md §3).
    messageData: z.object({ contacts: z.array(vcardContact), ...forwardable }),
    ...quoted,
  }),
  z.object({
    typeMessage: z.literal("pollMessage"),
    pollMessageData: z.object({ name: z.string(), options: z.array(pollOption), multipleAnswers: z.boolean() }),
    ...quoted,
  }),
  z.object({
    typeMessage: z.literal("pollUpdateMessage"),
    pollMessageData: z.object({
      stanzaId: z.string(),
      name: z.string(),
      votes: z.array(z.object({ optionName: z.string(), optionVoters: z.array(z.string()) })),
      multipleAnswers: z.boolean(),
    }),
  }),
  // A reaction reuses extendedTextMessageData.text for the emoji: never treat it as text.
  z.object({
    typeMessage: z.literal("reactionMessage"),
    extendedTextMessageData: z.object({ text: z.string() }),
    quotedMessage: quotedMessageSchema,
  }),
  z.object({
    typeMessage: z.literal("editedMessage"),
    editedMessageData: z.object({
      stanzaId: z.string(),
      textMessage: z.string().optional(),
      caption: z.string().optional(),
    }),
  }),
  z.object({ typeMessage: z.literal("deletedMessage"), deletedMessageData: z.object({ stanzaId: z.string() }) }),
  z.object({
    typeMessage: z.literal("buttonsResponseMessage"),
    buttonsResponseMessage: z.object({
      stanzaId: z.string(),
      selectedButtonId: z.string(),
      selectedButtonText: z.string(),
    }),
  }),
  z.object({
    typeMessage: z.literal("listResponseMessage"),
    listResponseMessage: z.object({
      stanzaId: z.string(),
      title: z.string(),
      listType: z.number(),
      singleSelectReply: z.string(),
    }),
  }),
  z.object({
    // Docs spell the type both ways; the payload key is always templateButtonReplyMessage.
    typeMessage: z.literal(["templateButtonsReplyMessage", "templateButtonReplyMessage"]),
    templateButtonReplyMessage: z.object({
      stanzaId: z.string(),
      selectedIndex: z.number(),
      selectedId: z.string(),
      selectedDisplayText: z.string(),
    }),
  }),
  z.object({
    typeMessage: z.literal("interactiveButtonsResponse"),
    interactiveButtonsResponse: z.object({
      stanzaId: z.string(),
      selectedIndex: z.number().optional(),
      selectedId: z.string(),
      selectedDisplayText: z.string(),
    }),
  }),
  z.object({
    typeMessage: z.literal("groupInviteMessage"),
    groupInviteMessageData: z.object({
      groupJid: z.string(),
      inviteCode: z.string(),
      inviteExpiration: z.union([z.string(), z.number()]),
      groupName: z.string(),
      caption: z.string().optional(),
      name: z.string().optional(),
      jpegThumbnail: z.string().optional(),
    }),
    ...quoted,
  }),
  z.object({ typeMessage: z.literal("buttonsMessage"), buttonsMessage: richPayload, ...quoted }),
  z.object({ typeMessage: z.literal("listMessage"), listMessage: richPayload, ...quoted }),
  z.object({ typeMessage: z.literal("templateMessage"), templateMessage: richPayload, ...quoted }),
  z.object({ typeMessage: z.literal("interactiveButtons"), interactiveButtons: richPayload, ...quoted }),
  z.object({ typeMessage: z.literal("interactiveButtonsReply"), interactiveButtonsReply: richPayload, ...quoted }),
]);

export type KnownMessageData = z.infer<typeof knownMessageDataSchema>;

/** A typeMessage this module does not know, or a known one whose payload did not match; kept whole. */
export interface UnknownMessageData {
  typeMessage: "unknown";
  originalTypeMessage: string;
  reason: string;
  raw: Record<string, unknown>;
}

export type MessageData = KnownMessageData | UnknownMessageData;

/** typeMessage values with a typed schema (the template reply under both spellings). */
export const KNOWN_TYPE_MESSAGES: ReadonlySet<string> = new Set(
  knownMessageDataSchema.options.flatMap((o) => [...o.shape.typeMessage.values]),
);

/** Short, value-free summary of zod issues (values may hold user text or secrets). */
export function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

/** `messageData`: any object with a string typeMessage; unsupported or malformed ones become `unknown`. */
export const messageDataSchema = z.looseObject({ typeMessage: z.string() }).transform((raw): MessageData => {
  const known = knownMessageDataSchema.safeParse(raw);
  if (known.success) return known.data;
  const reason = KNOWN_TYPE_MESSAGES.has(raw.typeMessage)
    ? `malformed ${raw.typeMessage}: ${summarizeIssues(known.error)}`
    : `unsupported typeMessage ${raw.typeMessage}`;
  return { typeMessage: "unknown", originalTypeMessage: raw.typeMessage, reason, raw };
});
