// Lookups of the fake: checkWhatsapp (a number's ids, `@lid` in LID mode) and getGroupData (a group's subject).
import { z } from "zod";
import { badRequest, field, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";

/** `{phoneNumber: int}` (deprecated, 11–16 digits) or `{chatId: "NNN@c.us"}` (shared/green-api.md §2 "checkWhatsapp"). */
const checkBody = z.union([
  z.object({ phoneNumber: z.number(field("phoneNumber")).int() }),
  z.object({
    chatId: z.string(field("chatId")).regex(/^\d{7,15}@c\.us$/, "'chatId' must be a personal chat 'phone_number@c.us'"),
  }),
]);

function checkWhatsapp(ctx: Ctx, body: z.output<typeof checkBody>): Response {
  const digits = "phoneNumber" in body ? String(body.phoneNumber) : body.chatId.slice(0, -"@c.us".length);
  if (!/^\d{11,16}$/.test(digits)) return badRequest(ctx, "Bad phone number");
  const phone = `${digits}@c.us`;
  if (ctx.inst.noAccount.has(phone))
    return json({ existsWhatsapp: false, chatId: "", username: "", phoneNumber: "", fromCache: false });
  // LID mode answers the privacy id as the chat to write to, with the number beside it (live probe).
  const lid = ctx.inst.settings.enableLidMode === "yes" ? ctx.inst.lids.get(phone) : undefined;
  return json({ existsWhatsapp: true, chatId: lid ?? phone, username: "", phoneNumber: phone, fromCache: false });
}

export const lookupMethods: Record<string, MethodDef> = {
  checkWhatsapp: {
    verb: "POST",
    needsPhone: true,
    quota: true,
    handler: async (ctx) => checkWhatsapp(ctx, validate(ctx, checkBody, await readJson(ctx))),
  },
  getGroupData: {
    verb: "POST",
    needsPhone: true,
    quota: true,
    handler: async (ctx) => {
      const { groupId } = validate(ctx, z.object({ groupId: z.string(field("groupId")) }), await readJson(ctx));
      const group = ctx.inst.groups.get(groupId);
      // [inferred] the answer for a group the number is not in; the documented errors do not say.
      if (!group) return badRequest(ctx, "Group not found");
      return json({
        groupId,
        owner: group.owner,
        subject: group.subject,
        creation: group.creation,
        participants: group.participants.map((id) => ({
          id,
          isAdmin: id === group.owner,
          isSuperAdmin: id === group.owner,
        })),
        subjectTime: group.creation,
        subjectOwner: group.owner,
        groupInviteLink: "",
      });
    },
  },
};
