// Zod schemas of Green-API's lookups of a chat: checkWhatsapp (a number's ids) and getGroupData (a group's subject).
import { z } from "zod";
import { wireChatIdSchema } from "./schemas.ts";

/**
 * checkWhatsapp: whether a number has WhatsApp and the ids to write to it. With `enableLidMode` the service answers
 * `chatId: "<n>@lid"` and `phoneNumber: "<n>@c.us"` (live probe, shared/green-api.md §2 "checkWhatsapp"); without it,
 * or on older builds, `chatId` is the `@c.us` id and `phoneNumber` may be absent. A number without WhatsApp: `chatId: ""`.
 */
export const checkWhatsappResponseSchema = z.looseObject({
  existsWhatsapp: z.boolean(),
  chatId: z.union([z.literal(""), wireChatIdSchema]).optional(),
  phoneNumber: z.union([z.literal(""), wireChatIdSchema]).optional(),
});

/**
 * getGroupData, POST `{groupId}` (green-api.com/en/docs/api/groups/GetGroupData; the `GroupData` type of
 * green-api/greenapi-integration src/types/types.ts): only `subject` is needed here, the rest is taken loosely
 * (participants' ids may be `@lid` in LID mode; newer builds add fields such as `isCommunity`).
 */
export const groupDataSchema = z.looseObject({
  groupId: z.string(),
  subject: z.string(),
  owner: z.string().optional(),
  creation: z.number().optional(),
  participants: z
    .array(z.looseObject({ id: z.string(), isAdmin: z.boolean().optional(), isSuperAdmin: z.boolean().optional() }))
    .optional(),
  subjectTime: z.number().optional(),
  subjectOwner: z.string().optional(),
  groupInviteLink: z.string().optional(),
});
