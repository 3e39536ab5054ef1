// Zod schemas for Green-API identifiers and method responses (wire format, see shared/green-api.md §1–2).
import { z } from "zod";
import { isConversationId, normalizeChatId } from "./ids.ts";

/**
 * A chat id we store and send to, in canonical form: personal `…@c.us`, group `…@g.us` (incl. legacy
 * `phone-time@g.us`) or privacy `…@lid`.
 */
export const chatIdSchema = z.string().refine(isConversationId, "chat id must end with @c.us, @g.us or @lid");
export type ChatId = z.infer<typeof chatIdSchema>;

/**
 * A chat id as Green-API sends it (device suffixes, `@s.whatsapp.net`, `status@broadcast`, `@newsletter` too),
 * parsed to its canonical form (ids.ts): everything past parsing sees one spelling per chat.
 */
export const wireChatIdSchema = z.string().transform((raw, ctx) => {
  const normalized = normalizeChatId(raw);
  if (normalized) return normalized.id;
  ctx.addIssue({ code: "custom", message: "not a WhatsApp chat id" });
  return z.NEVER;
});

/** Every documented instance state (older `sleepMode` and newer `suspended` included). */
export const stateInstanceSchema = z.enum([
  "notAuthorized",
  "authorized",
  "blocked",
  "sleepMode",
  "starting",
  "yellowCard",
  "suspended",
]);
export type StateInstance = z.infer<typeof stateInstanceSchema>;

/** `"yes"` / `"no"` flags used throughout settings. */
const yesNoSchema = z.enum(["yes", "no"]);

/** `instanceData` block present in every notification; `wid` is `""` while not authorized (real bodies may omit it). */
export const instanceDataSchema = z.object({
  idInstance: z.number().int(),
  wid: z.string().default(""),
  typeInstance: z.string(),
});

/** getStateInstance; the body is `null` while a fresh instance is still being created. */
export const stateInstanceResponseSchema = z.object({ stateInstance: stateInstanceSchema }).nullable();

/** Writable settings accepted by setSettings (any non-empty subset). */
export const settingsUpdateSchema = z
  .object({
    webhookUrl: z.string(),
    webhookUrlToken: z.string(),
    delaySendMessagesMilliseconds: z.number().int().nonnegative(),
    markIncomingMessagesReaded: yesNoSchema,
    markIncomingMessagesReadedOnReply: yesNoSchema,
    outgoingWebhook: yesNoSchema,
    outgoingMessageWebhook: yesNoSchema,
    outgoingAPIMessageWebhook: yesNoSchema,
    incomingWebhook: yesNoSchema,
    stateWebhook: yesNoSchema,
    keepOnlineStatus: yesNoSchema,
    pollMessageWebhook: yesNoSchema,
    incomingBlockWebhook: yesNoSchema,
    incomingCallWebhook: yesNoSchema,
    outgoingCallWebhook: yesNoSchema,
    editedMessageWebhook: yesNoSchema,
    deletedMessageWebhook: yesNoSchema,
    enableLidMode: yesNoSchema,
  })
  .partial();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** getSettings: flat object; deprecated and newer keys are optional. */
export const settingsSchema = settingsUpdateSchema
  .required({
    webhookUrl: true,
    webhookUrlToken: true,
    delaySendMessagesMilliseconds: true,
    markIncomingMessagesReaded: true,
    markIncomingMessagesReadedOnReply: true,
    outgoingWebhook: true,
    outgoingMessageWebhook: true,
    outgoingAPIMessageWebhook: true,
    incomingWebhook: true,
    stateWebhook: true,
  })
  .extend({
    wid: z.string(),
    countryInstance: z.string().optional(),
    typeAccount: z.string().optional(),
    sharedSession: yesNoSchema.optional(),
    proxyInstance: z.string().optional(),
    deviceWebhook: yesNoSchema.optional(),
    statusInstanceWebhook: yesNoSchema.optional(),
    enableMessagesHistory: yesNoSchema.optional(),
  });
export type Settings = z.infer<typeof settingsSchema>;

export const saveSettingsResponseSchema = z.object({ saveSettings: z.boolean() });

/** getWaSettings; avatar/phone/deviceId are `""` unless authorized. */
export const waSettingsSchema = z.object({
  avatar: z.string(),
  phone: z.string(),
  stateInstance: stateInstanceSchema,
  deviceId: z.string(),
});

/** qr: a base64 PNG to show, or a reason why there is none. */
export const qrResponseSchema = z.object({
  type: z.enum(["qrCode", "alreadyLogged", "error"]),
  message: z.string(),
});

export const authorizationCodeResponseSchema = z.object({ status: z.boolean(), code: z.string() });
export const logoutResponseSchema = z.object({ isLogout: z.boolean() });
export const rebootResponseSchema = z.object({ isReboot: z.boolean() });

/** sendMessage, sendFileByUrl and the other send* methods. */
export const sendResponseSchema = z.object({ idMessage: z.string().min(1) });

/** deleteMessage answers 200 with an empty body (the transport reads it as `{}`). */
export const deleteMessageResponseSchema = z.object({}).loose();

export const sendFileByUploadResponseSchema = z.object({ idMessage: z.string().min(1), urlFile: z.string() });

export const downloadFileResponseSchema = z.object({ downloadUrl: z.string() });

/** receiveNotification: `null` on an empty queue; `body` is parsed separately (see notifications.ts). */
export const receiveNotificationResponseSchema = z
  .object({ receiptId: z.number().int(), body: z.unknown() })
  .nullable();

export const deleteNotificationResponseSchema = z.object({ result: z.boolean() });

/** getContacts: the phone's contacts and groups (may be empty for ~5 min after authorization). */
export const contactsSchema = z.array(
  // Chat ids in their canonical form; anything else as it came (the history import takes conversation ids only).
  z.looseObject({
    id: z.string().transform((id) => normalizeChatId(id)?.id ?? id),
    name: z.string().optional(),
    contactName: z.string().optional(),
    type: z.string().optional(),
  }),
);
export type Contact = z.infer<typeof contactsSchema>[number];

/** getContactInfo (users only). */
export const contactInfoSchema = z.object({
  avatar: z.string(),
  name: z.string(),
  contactName: z.string(),
  email: z.string(),
  category: z.string(),
  description: z.string(),
  products: z.array(z.unknown()),
  chatId: wireChatIdSchema,
  lastSeen: z.string().nullable().optional(),
  isArchive: z.boolean(),
  isDisappearing: z.boolean(),
  isMute: z.boolean(),
  messageExpiration: z.number(),
  muteExpiration: z.number().nullable(),
  isBusiness: z.boolean().optional(),
});

/** getAvatar: `available:false` means hidden by privacy, empty url means no avatar. */
export const avatarResponseSchema = z.object({ urlAvatar: z.string(), available: z.boolean() });
export const readChatResponseSchema = z.object({ setRead: z.boolean() });

/** setProfilePicture; WhatsApp may answer 200 with `setProfilePicture:false, reason:"rate-overlimit"`. */
export const setProfilePictureResponseSchema = z.object({
  urlAvatar: z.string().nullable(),
  setProfilePicture: z.boolean(),
  reason: z.string().nullable().optional(),
});

const journalBase = {
  idMessage: z.string(),
  timestamp: z.number().int(),
  typeMessage: z.string(),
  chatId: wireChatIdSchema,
  isForwarded: z.boolean().optional(),
  forwardingScore: z.number().optional(),
  textMessage: z.string().optional(),
  downloadUrl: z.string().optional(),
  caption: z.string().optional(),
  fileName: z.string().optional(),
  mimeType: z.string().optional(),
  jpegThumbnail: z.string().optional(),
  extendedTextMessage: z.looseObject({}).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z.looseObject({ displayName: z.string(), vcard: z.string() }).optional(),
  contacts: z.array(z.looseObject({ displayName: z.string(), vcard: z.string() })).optional(),
  quotedMessage: z.looseObject({ stanzaId: z.string() }).optional(),
  deletedMessageId: z.string().optional(),
  editedMessageId: z.string().optional(),
  isEdited: z.boolean().optional(),
  isDeleted: z.boolean().optional(),
};

/** One journal item (getChatHistory, lastIncoming/OutgoingMessages, getMessage): payload flattened. */
export const journalMessageSchema = z.discriminatedUnion("type", [
  z.looseObject({
    ...journalBase,
    type: z.literal("incoming"),
    senderId: wireChatIdSchema,
    senderName: z.string(),
    senderContactName: z.string().optional(),
  }),
  z.looseObject({
    ...journalBase,
    type: z.literal("outgoing"),
    statusMessage: z.string(),
    sendByApi: z.boolean(),
  }),
]);
export type JournalMessage = z.infer<typeof journalMessageSchema>;
export const journalSchema = z.array(journalMessageSchema);

/** 466 body: a method quota or the correspondents (chat) quota is exhausted. */
export const quotaBodySchema = z.object({
  invokeStatus: z.looseObject({ method: z.string(), status: z.string(), description: z.string().optional() }),
  correspondentsStatus: z
    .looseObject({ method: z.string(), status: z.string(), description: z.string().optional() })
    .optional(),
});

/** 400/500 JSON error bodies: only `message` is safe to surface (`path` echoes the token). */
export const errorBodySchema = z.looseObject({ message: z.string() });
