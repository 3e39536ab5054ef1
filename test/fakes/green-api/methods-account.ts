// Account methods of the fake: state, settings (async apply via reboot), QR, phone code, logout, reboot, avatar.
import { z } from "zod";
import { settingsUpdateSchema } from "../../../src/greenapi/schemas.ts";
import { reboot, setState } from "./instances.ts";
import { storeMedia } from "./media.ts";
import { qrPng } from "./png.ts";
import { badRequest, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";

const setSettingsBody = settingsUpdateSchema
  .extend({
    delaySendMessagesMilliseconds: z
      .number()
      .int()
      .min(500, "'delaySendMessagesMilliseconds' must be greater than or equal to 500")
      .max(600_000, "'delaySendMessagesMilliseconds' must be less than or equal to 600000")
      .optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).length > 0, "'body' must have at least 1 key");

function qr({ world, inst }: Ctx): Response {
  if (inst.state === "authorized" || inst.state === "yellowCard") {
    return json({ type: "alreadyLogged", message: "instance account already authorized" });
  }
  if (inst.state !== "notAuthorized") return json({ type: "error", message: `instance is ${inst.state}, try later` });
  const rotation = Math.floor((Date.now() - inst.createdAt) / world.timings.qrRotateMs);
  return json({ type: "qrCode", message: qrPng(`${inst.idInstance}:${rotation}`) });
}

async function setProfilePicture(ctx: Ctx): Promise<Response> {
  const form = await ctx.req.formData().catch(() => null);
  const file = form?.get("file");
  if (!(file instanceof Blob)) return badRequest(ctx, "Validation failed. Details: 'file' is required");
  ctx.inst.avatarUrl = storeMedia(
    ctx.world,
    new Uint8Array(await file.arrayBuffer()),
    "avatar.jpg",
    file.type || "image/jpeg",
  );
  return json({ urlAvatar: ctx.inst.avatarUrl, setProfilePicture: true, reason: null });
}

export const accountMethods: Record<string, MethodDef> = {
  getStateInstance: { verb: "GET", handler: ({ inst }) => json({ stateInstance: inst.state }) },
  getSettings: { verb: "GET", handler: ({ inst }) => json(inst.settings) },
  setSettings: {
    verb: "POST",
    handler: async (ctx) => {
      const update = validate(ctx, setSettingsBody, await readJson(ctx));
      ctx.inst.pendingSettings = { ...ctx.inst.pendingSettings, ...update };
      reboot(ctx.world, ctx.inst);
      return json({ saveSettings: true });
    },
  },
  getWaSettings: {
    verb: "GET",
    handler: ({ inst }) => {
      const on = inst.linked && inst.state !== "starting";
      return json({
        avatar: on ? inst.avatarUrl : "",
        phone: on ? inst.phone : "",
        stateInstance: inst.state,
        deviceId: on ? `${inst.phone}:8@s.whatsapp.net` : "",
      });
    },
  },
  qr: { verb: "GET", handler: qr },
  getAuthorizationCode: {
    verb: "POST",
    handler: async (ctx) => {
      validate(
        ctx,
        z.object({ phoneNumber: z.number({ error: "'phoneNumber' must be a number" }).int() }),
        await readJson(ctx),
      );
      if (ctx.inst.state !== "notAuthorized") return json({ status: false, code: "" });
      return json({ status: true, code: Math.random().toString(36).slice(2, 10).toUpperCase().padEnd(8, "X") });
    },
  },
  logout: {
    verb: "GET",
    handler: ({ world, inst }) => {
      setState(world, inst, "notAuthorized");
      return json({ isLogout: true });
    },
  },
  reboot: {
    verb: "GET",
    handler: ({ world, inst }) => {
      reboot(world, inst);
      return json({ isReboot: true });
    },
  },
  setProfilePicture: { verb: "POST", handler: setProfilePicture, needsPhone: true },
};
