// Sending methods of the fake: sendMessage, sendFileByUrl (JSON) and sendFileByUpload (multipart on the media host).
import { z } from "zod";
import { fileKind, storeMedia } from "./media.ts";
import { acceptSend } from "./outbox.ts";
import { badRequest, chatIdField, field, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";
import { hexId } from "./world.ts";

const sendMessageBody = z.object({
  chatId: chatIdField,
  message: z.string(field("message")).min(1, "'message' is not allowed to be empty")
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
export function apiMessageId(): string {
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

function fileMessage(ctx: Ctx, input: { chatId: string; fileName: string; caption?: string; quotedMessageId?: string }, downloadUrl: string, method: string, mimeType?: string) {
  const kind = fileKind(input.fileName);
  const idMessage = apiMessageId();
  const messageData = {
    typeMessage: kind.typeMessage,
    fileMessageData: { downloadUrl, caption: input.caption ?? "", fileName: input.fileName, jpegThumbnail: "", mimeType: mimeType || kind.mimeType, forwardingScore: 0, isForwarded: false },
  };
  const send = { idMessage, chatId: input.chatId, messageData, quotedMessageId: input.quotedMessageId };
  acceptSend(ctx.world, ctx.inst, send, { method, fileName: input.fileName });
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
  const urlFile = storeMedia(ctx.world, new Uint8Array(await file.arrayBuffer()), input.fileName, mimeType);
  return json({ idMessage: fileMessage(ctx, input, urlFile, "sendFileByUpload", mimeType), urlFile });
}

async function sendFileByUrl(ctx: Ctx): Promise<Response> {
  const input = validate(ctx, sendFileByUrlBody, await readJson(ctx));
  return json({ idMessage: fileMessage(ctx, input, input.urlFile, "sendFileByUrl") });
}

export const sendingMethods: Record<string, MethodDef> = {
  sendMessage: { verb: "POST", handler: sendMessage, quota: true },
  sendFileByUpload: { verb: "POST", handler: sendFileByUpload, quota: true },
  sendFileByUrl: { verb: "POST", handler: sendFileByUrl, quota: true },
};
