// Receiving methods of the fake: receiveNotification long-poll, deleteNotification, downloadFile.
import { z } from "zod";
import { findMessage } from "./journal.ts";
import { freshDownloadUrl } from "./media.ts";
import { waitForNotification } from "./notify.ts";
import { badRequest, chatIdField, field, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";

async function receiveNotification(ctx: Ctx): Promise<Response> {
  const { world, inst, url } = ctx;
  if (inst.settings.webhookUrl) {
    return json(
      {
        code: "INVALID_PARAM",
        message:
          "Message cannot be received because custom webhook url is set. Remove webhook url in settings to receive messages by HTTP API",
        status: "error",
      },
      400,
    );
  }
  const raw = url.searchParams.get("receiveTimeout");
  const seconds = raw === null ? 5 : Number(raw);
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 60) {
    return badRequest(ctx, "Validation failed. Details: 'receiveTimeout' must be an integer between 5 and 60");
  }
  await waitForNotification(world, inst, Math.min(seconds * 1000, world.timings.maxReceiveWaitMs));
  // The head is served again and again until deleteNotification.
  return json(inst.notifications[0] ?? null);
}

function deleteNotification(ctx: Ctx): Response {
  const receiptId = Number(ctx.suffix);
  if (!ctx.suffix || !Number.isInteger(receiptId)) return badRequest(ctx, "Parameter receiptId must be a Number!");
  const at = ctx.inst.notifications.findIndex((n) => n.receiptId === receiptId);
  if (at >= 0) ctx.inst.notifications.splice(at, 1);
  return json({ result: at >= 0 });
}

async function downloadFile(ctx: Ctx): Promise<Response> {
  const body = validate(
    ctx,
    z.object({ chatId: chatIdField, idMessage: z.string(field("idMessage")) }),
    await readJson(ctx),
  );
  const message = findMessage(ctx.inst, body.chatId, body.idMessage);
  if (typeof message?.downloadUrl !== "string") {
    return badRequest(
      ctx,
      `File message encrypted url not found by chatId ${body.chatId} and idMessage ${body.idMessage}`,
    );
  }
  return json({ downloadUrl: freshDownloadUrl(ctx.world, message.downloadUrl) });
}

export const receivingMethods: Record<string, MethodDef> = {
  receiveNotification: { verb: "GET", handler: receiveNotification },
  deleteNotification: { verb: "DELETE", handler: deleteNotification },
  downloadFile: { verb: "POST", handler: downloadFile, needsPhone: true },
};
