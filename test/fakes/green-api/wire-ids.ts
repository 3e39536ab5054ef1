// Chat ids in the looser forms the real Green-API sends, on demand: device suffixes, @s.whatsapp.net, chatless statuses.
import { z } from "zod";
import { normalizeChatId } from "../../../src/greenapi/ids.ts";
import type { FakeInstance } from "./world.ts";

/** How an instance spells personal chat ids in its notifications (journals keep `NNN@c.us`). */
export interface WireForms {
  /** `NNN:K@…`: the id of one of the person's devices (null: none). */
  device: number | null;
  /** `c.us` as documented, or `s.whatsapp.net` (WhatsApp's own spelling). */
  domain: "c.us" | "s.whatsapp.net";
  /** outgoingMessageStatus notifications leave out `chatId`. */
  statusWithoutChatId: boolean;
}

export const PLAIN_FORMS: WireForms = { device: null, domain: "c.us", statusWithoutChatId: false };

export const wireFormsSchema = z
  .object({
    device: z.number().int().min(0).max(99).nullable(),
    domain: z.enum(["c.us", "s.whatsapp.net"]),
    statusWithoutChatId: z.boolean(),
  })
  .partial();

/** A chat id in canonical form of any kind (Status stories and channels included): what injected messages name. */
export const anyChatIdSchema = z.string().refine((v) => normalizeChatId(v)?.id === v, "a chat id in canonical form");

/** The id as the instance writes it in notifications: personal ids in its forms, the others as they are. */
export function wireId(inst: FakeInstance, id: string): string {
  const personal = /^(\d+)@c\.us$/.exec(id);
  if (!personal) return id;
  const { device, domain } = inst.wireForms;
  return `${personal[1]}${device === null ? "" : `:${device}`}@${domain}`;
}

/** The `chatId` field of a status notification: in the instance's form, or left out. */
export function statusChatId(inst: FakeInstance, chatId: string): { chatId?: string } {
  return inst.wireForms.statusWithoutChatId ? {} : { chatId: wireId(inst, chatId) };
}
