// Sending methods of the fake: sendMessage, sendFileByUrl (JSON), sendFileByUpload (multipart on the media host),
// editMessage, deleteMessage and sendReaction.
import { z } from "zod";
import { fileKind, storeMedia } from "./media.ts";
import { findMessage } from "./journal.ts";
import { acceptSend } from "./outbox.ts";
import { badRequest, chatIdField, field, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";
import { hexId, type SentRecord } from "./world.ts";

const sendMessageBody = z.object({
  chatId: chatIdField,
  message: z
    .string(field("message"))
    .min(1, "'message' is not allowed to be empty")
    .max(20_000, "'message' length must be less than or equal to 20000 characters long"),
  quotedMessageId: z.string().optional(),
  linkPreview: z.boolean().optional(),
  typePreview: z.enum(["large", "small"]).optional(),
  customPreview: z.looseObject({ title: z.string() }).optional(),
  typingTime: z.number().int().min(1000).max(20_000).optional(),
});

const fileNameField = z.string(field("fileName")).regex(/\.[A-Za-z0-9]{1,8}$/, "'fileName' must have a file extension");

const sendFileByUrlBody = z.object({
  chatId: chatIdField,
  urlFile: z.string(field("urlFile")).url("'urlFile' must be a valid uri"),
  fileName: fileNameField,
  caption: z.string().max(20_000).optional(),
  quotedMessageId: z.string().optional(),
});

/** `BAE5` + 12 hex, like API-sent ids. */
function apiMessageId(): string {
  return `BAE5${hexId(12)}`;
}

async function sendMessage(ctx: Ctx): Promise<Response> {
  const body = validate(ctx, sendMessageBody, await readJson(ctx));
  const idMessage = apiMessageId();
  const messageData = body.quotedMessageId
    ? { typeMessage: "quotedMessage", extendedTextMessageData: { text: body.message } }
    : { typeMessage: "textMessage", textMessageData: { textMessage: body.message } };
  const send = { idMessage, chatId: body.chatId, messageData, quotedMessageId: body.quotedMessageId };
  acceptSend(ctx.world, ctx.inst, send, { method: "sendMessage", text: body.message });
  return json({ idMessage });
}

function fileMessage(
  ctx: Ctx,
  input: { chatId: string; fileName: string; caption?: string; quotedMessageId?: string },
  downloadUrl: string,
  method: string,
  mimeType?: string,
  upload?: SentRecord["upload"],
) {
  const kind = fileKind(input.fileName);
  const idMessage = apiMessageId();
  const messageData = {
    typeMessage: kind.typeMessage,
    fileMessageData: {
      downloadUrl,
      caption: input.caption ?? "",
      fileName: input.fileName,
      jpegThumbnail: "",
      mimeType: mimeType || kind.mimeType,
      forwardingScore: 0,
      isForwarded: false,
    },
  };
  const send = { idMessage, chatId: input.chatId, messageData, quotedMessageId: input.quotedMessageId };
  acceptSend(ctx.world, ctx.inst, send, { method, fileName: input.fileName, ...(upload ? { upload } : {}) });
  return idMessage;
}

async function sendFileByUpload(ctx: Ctx): Promise<Response> {
  const form = await ctx.req.formData().catch(() => null);
  if (!form) return badRequest(ctx, "Validation failed. Details: multipart/form-data body expected");
  const file = form.get("file");
  if (!(file instanceof Blob)) return badRequest(ctx, "Validation failed. Details: 'file' is required");
  const text = (k: string) => (typeof form.get(k) === "string" ? (form.get(k) as string) : undefined);
  const input = validate(ctx, sendFileByUrlBody.omit({ urlFile: true }), {
    chatId: text("chatId"),
    fileName: text("fileName") ?? (file instanceof File ? file.name : undefined),
    caption: text("caption"),
    quotedMessageId: text("quotedMessageId"),
  });
  const mimeType = file.type.split(";")[0] || fileKind(input.fileName).mimeType;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const urlFile = storeMedia(ctx.world, bytes, input.fileName, mimeType);
  const upload = { name: file instanceof File ? file.name : "", type: file.type, bytes };
  return json({ idMessage: fileMessage(ctx, input, urlFile, "sendFileByUpload", mimeType, upload), urlFile });
}

async function sendFileByUrl(ctx: Ctx): Promise<Response> {
  const input = validate(ctx, sendFileByUrlBody, await readJson(ctx));
  return json({ idMessage: fileMessage(ctx, input, input.urlFile, "sendFileByUrl") });
}

const messageRefBody = z.object({
  chatId: chatIdField,
  idMessage: z.string(field("idMessage")).min(1, "'idMessage' is not allowed to be empty"),
});
const editMessageBody = messageRefBody.extend({
  message: z
    .string(field("message"))
    .min(1, "'message' is not allowed to be empty")
    .max(20_000, "'message' length must be less than or equal to 20000 characters long"),
});
const deleteMessageBody = messageRefBody.extend({ onlySenderDelete: z.boolean().optional() });

const EDIT_WINDOW_MS = 15 * 60_000;
const DELETE_FOR_ALL_WINDOW_MS = 72 * 3600_000;

/** Only API-sent messages can be edited; past the 15-minute window the answer is still 200 and nothing changes. */
async function editMessage(ctx: Ctx): Promise<Response> {
  const body = validate(ctx, editMessageBody, await readJson(ctx));
  const item = findMessage(ctx.inst, body.chatId, body.idMessage);
  if (item?.type !== "outgoing" || !item.sendByApi) return badRequest(ctx, "Message by id not found");
  const applied = Date.now() - item.timestamp * 1000 <= EDIT_WINDOW_MS;
  if (applied) Object.assign(item, { textMessage: body.message, isEdited: true });
  ctx.inst.changes.push({
    method: "editMessage",
    chatId: body.chatId,
    idMessage: body.idMessage,
    text: body.message,
    applied,
  });
  return json({ idMessage: body.idMessage });
}

/** 200 with an empty body; delete-for-everyone only within 72 h. */
async function deleteMessage(ctx: Ctx): Promise<Response> {
  const body = validate(ctx, deleteMessageBody, await readJson(ctx));
  const item = findMessage(ctx.inst, body.chatId, body.idMessage);
  if (!item) return badRequest(ctx, "Message by id not found");
  const applied = body.onlySenderDelete === true || Date.now() - item.timestamp * 1000 <= DELETE_FOR_ALL_WINDOW_MS;
  if (applied) item.isDeleted = true;
  ctx.inst.changes.push({ method: "deleteMessage", chatId: body.chatId, idMessage: body.idMessage, applied });
  return new Response(null, { status: 200 });
}

const sendReactionBody = messageRefBody.extend({
  // One emoji; "" takes one's reaction back.
  reaction: z.string(field("reaction")).max(32, "'reaction' must be a single emoji"),
});

/** Reacts to a message of the chat (`""` removes the reaction); answers the reaction's own idMessage. */
async function sendReaction(ctx: Ctx): Promise<Response> {
  const body = validate(ctx, sendReactionBody, await readJson(ctx));
  if (!findMessage(ctx.inst, body.chatId, body.idMessage)) return badRequest(ctx, "Message by id not found");
  const idMessage = apiMessageId();
  ctx.inst.changes.push({
    method: "sendReaction",
    chatId: body.chatId,
    idMessage: body.idMessage,
    reaction: body.reaction,
    applied: true,
  });
  return json({ idMessage });
}

export const sendingMethods: Record<string, MethodDef> = {
  sendMessage: { verb: "POST", handler: sendMessage, quota: true },
  sendFileByUpload: { verb: "POST", handler: sendFileByUpload, quota: true },
  sendFileByUrl: { verb: "POST", handler: sendFileByUrl, quota: true },
  editMessage: { verb: "POST", handler: editMessage, quota: true },
  deleteMessage: { verb: "POST", handler: deleteMessage },
  sendReaction: { verb: "POST", handler: sendReaction, quota: true },
};
