// Typed Green-API client: one async function per method, every answer validated by zod.
import type { z } from "zod";
import { createTransport, type TransportOptions } from "./http.ts";
import { parseNotification, type ParseNotificationResult } from "./notifications.ts";
import { checkWhatsappResponseSchema, groupDataSchema } from "./lookups.ts";
import {
  authorizationCodeResponseSchema,
  avatarResponseSchema,
  contactInfoSchema,
  contactsSchema,
  deleteMessageResponseSchema,
  deleteNotificationResponseSchema,
  downloadFileResponseSchema,
  journalMessageSchema,
  journalSchema,
  logoutResponseSchema,
  qrResponseSchema,
  readChatResponseSchema,
  rebootResponseSchema,
  receiveNotificationResponseSchema,
  saveSettingsResponseSchema,
  sendFileByUploadResponseSchema,
  sendResponseSchema,
  setProfilePictureResponseSchema,
  settingsSchema,
  stateInstanceResponseSchema,
  waSettingsSchema,
  type ChatId,
  type SettingsUpdate,
} from "./schemas.ts";

export type GreenApiClientOptions = TransportOptions;

export interface SendMessageInput {
  chatId: ChatId;
  message: string;
  quotedMessageId?: string;
  linkPreview?: boolean;
  typePreview?: "large" | "small";
  customPreview?: { title: string; description?: string; link?: string; urlFile?: string; jpegThumbnail?: string };
  typingTime?: number;
}

export interface SendFileByUploadInput {
  chatId: ChatId;
  file: Blob;
  /** Must carry the extension: Green-API decides image/video/audio/document from it. */
  fileName: string;
  caption?: string;
  quotedMessageId?: string;
}

export interface SendFileByUrlInput {
  chatId: ChatId;
  urlFile: string;
  fileName: string;
  caption?: string;
  quotedMessageId?: string;
}

export interface MessageRef {
  chatId: ChatId;
  idMessage: string;
}

/** receiveNotification result: `parsed` may be `ok:false`, but `receiptId` still lets the caller delete it. */
export interface ReceivedNotification {
  receiptId: number;
  body: unknown;
  parsed: ParseNotificationResult;
}

const receivedSchema = receiveNotificationResponseSchema.transform((r): ReceivedNotification | null =>
  r === null ? null : { receiptId: r.receiptId, body: r.body, parsed: parseNotification(r.body) },
);

/**
 * Creates a client bound to one instance. Every method throws GreenApiError on failure;
 * pass `onRateLimit` to feed `X-RateLimit-Remaining` to a rate limiter.
 */
export function createGreenApiClient(options: GreenApiClientOptions) {
  const call = createTransport(options);
  const get = <S extends z.ZodType>(method: string, schema: S) => call({ method, verb: "GET", schema });
  const post = <S extends z.ZodType>(method: string, schema: S, json: unknown) =>
    call({ method, verb: "POST", schema, json });

  return {
    /** Instance state, or null while a fresh instance is still being created. */
    getStateInstance: () => get("getStateInstance", stateInstanceResponseSchema),
    getSettings: () => get("getSettings", settingsSchema),
    /** Saves settings; the instance reboots (state `starting`) and applies them later. */
    setSettings: (settings: SettingsUpdate) => post("setSettings", saveSettingsResponseSchema, settings),
    getWaSettings: () => get("getWaSettings", waSettingsSchema),
    /** QR to scan (base64 PNG in `message` when `type` is `qrCode`); it rotates about every 20 s. */
    qr: () => get("qr", qrResponseSchema),
    /** Link by phone code instead of QR. */
    getAuthorizationCode: (phoneNumber: number) =>
      post("getAuthorizationCode", authorizationCodeResponseSchema, { phoneNumber }),
    logout: () => get("logout", logoutResponseSchema),
    reboot: () => get("reboot", rebootResponseSchema),
    /** Queues a text message; 200 means accepted, delivery arrives as outgoingMessageStatus. `timeoutMs` replaces
     * the client's request timeout (a send in doubt is better retried soon than waited on). */
    sendMessage: (input: SendMessageInput, timeoutMs?: number) =>
      call({ method: "sendMessage", verb: "POST", schema: sendResponseSchema, json: input, timeoutMs }),
    /** Multipart upload to mediaUrl. */
    sendFileByUpload: (input: SendFileByUploadInput) => {
      const form = new FormData();
      form.append("file", input.file, input.fileName);
      form.append("chatId", input.chatId);
      form.append("fileName", input.fileName);
      if (input.caption !== undefined) form.append("caption", input.caption);
      if (input.quotedMessageId !== undefined) form.append("quotedMessageId", input.quotedMessageId);
      return call({
        method: "sendFileByUpload",
        verb: "POST",
        host: "media",
        form,
        schema: sendFileByUploadResponseSchema,
      });
    },
    sendFileByUrl: (input: SendFileByUrlInput) => post("sendFileByUrl", sendResponseSchema, input),
    /** Download URL of a received file message. */
    downloadFile: (ref: MessageRef) => post("downloadFile", downloadFileResponseSchema, ref),
    /** Journal of one chat, newest first (default count 100). */
    getChatHistory: (input: { chatId: ChatId; count?: number }) => post("getChatHistory", journalSchema, input),
    lastIncomingMessages: (minutes?: number) =>
      call({ method: "lastIncomingMessages", verb: "GET", query: { minutes }, schema: journalSchema }),
    lastOutgoingMessages: (minutes?: number) =>
      call({ method: "lastOutgoingMessages", verb: "GET", query: { minutes }, schema: journalSchema }),
    /** Replaces the text of an API-sent message; past WhatsApp's 15-minute window it answers 200 and changes nothing. */
    editMessage: (input: MessageRef & { message: string }) => post("editMessage", sendResponseSchema, input),
    /** Reacts to a message with one emoji (`""` takes the reaction back); answers the reaction's own idMessage. */
    sendReaction: (input: MessageRef & { reaction: string }) => post("sendReaction", sendResponseSchema, input),
    /** Deletes a message (for everyone within 72 h unless `onlySenderDelete`). */
    deleteMessage: (input: MessageRef & { onlySenderDelete?: boolean }) =>
      call({
        method: "deleteMessage",
        verb: "POST",
        json: input,
        schema: deleteMessageResponseSchema,
        emptyBody: true,
      }),
    getMessage: (ref: MessageRef) => post("getMessage", journalMessageSchema, ref),
    /** Long-polls the notification queue (5–60 s); null when nothing arrived in the window. */
    receiveNotification: (receiveTimeout?: number) =>
      call({
        method: "receiveNotification",
        verb: "GET",
        query: { receiveTimeout },
        schema: receivedSchema,
        extraTimeoutMs: (receiveTimeout ?? 5) * 1000,
      }),
    /** Acknowledges a notification; `result:false` when the receipt is unknown or already deleted. */
    deleteNotification: (receiptId: number) =>
      call({
        method: "deleteNotification",
        verb: "DELETE",
        suffix: String(receiptId),
        schema: deleteNotificationResponseSchema,
      }),
    /** The phone's contacts and groups. */
    getContacts: () => get("getContacts", contactsSchema),
    getContactInfo: (chatId: ChatId) => post("getContactInfo", contactInfoSchema, { chatId }),
    getAvatar: (chatId: ChatId) => post("getAvatar", avatarResponseSchema, { chatId }),
    /** Whether a number has WhatsApp, and its ids: in LID mode `chatId` is its `@lid` and `phoneNumber` its `@c.us`. */
    checkWhatsapp: (chatId: ChatId) => post("checkWhatsapp", checkWhatsappResponseSchema, { chatId }),
    /** A group's subject (its name), owner and participants. */
    getGroupData: (groupId: ChatId) => post("getGroupData", groupDataSchema, { groupId }),
    /** Marks one message, or the whole chat when idMessage is omitted, as read. */
    readChat: (input: { chatId: ChatId; idMessage?: string }) => post("readChat", readChatResponseSchema, input),
    setProfilePicture: (file: Blob, fileName = "avatar.jpg") => {
      const form = new FormData();
      form.append("file", file, fileName);
      return call({ method: "setProfilePicture", verb: "POST", form, schema: setProfilePictureResponseSchema });
    },
  };
}

export type GreenApiClient = ReturnType<typeof createGreenApiClient>;
