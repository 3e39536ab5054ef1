// The create/edit form of an instance: zod schema, per-field error keys, and the values a form shows back.
import { z } from "zod";
import type { MessageKey } from "../lib/i18n.ts";

const trimmed = z.string().trim();
const optionalUrl = trimmed
  .max(200)
  .refine((v) => v === "" || /^https?:\/\/[^\s/]+(\/\S*)?$/i.test(v), "instances.err.url")
  .transform((v) => v.replace(/\/+$/, ""));

/** The fields as posted (strings, checkbox "on"); `apiToken` may be empty on edit (keep the stored one). */
export const instanceFormSchema = z.object({
  name: trimmed.min(1, "instances.err.name").max(80, "instances.err.name"),
  idInstance: trimmed.regex(/^\d{4,10}$/, "instances.err.idInstance").transform(Number),
  apiToken: trimmed.refine((v) => v === "" || /^[A-Za-z0-9]{16,128}$/.test(v), "instances.err.apiToken"),
  apiUrl: optionalUrl,
  mediaUrl: optionalUrl,
  intakeMode: z.enum(["webhook", "polling"], { error: "instances.err.intake" }),
  telegramChatId: trimmed
    .refine((v) => v === "" || /^-?\d{1,20}$/.test(v), "instances.err.telegram")
    .transform((v) => (v === "" ? null : Number(v))),
  autoReplyEnabled: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
  autoReplyText: trimmed.max(1000, "instances.err.autoReplyText"),
  autoReplyIntervalHours: trimmed
    .regex(/^\d{1,3}$/, "instances.err.autoReplyInterval")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 720, "instances.err.autoReplyInterval"),
  markReadPolicy: z.enum(["never", "onOpen", "onReply"], { error: "instances.err.markRead" }),
  /**
   * Off: not polled, not state-checked, sends wait. The form posts a hidden "off" before the checkbox (the last value
   * wins), so a post without the field at all (scripts, older forms) keeps the number enabled.
   */
  enabled: z
    .enum(["on", "off"], { error: "instances.err.enabled" })
    .optional()
    .transform((v) => v !== "off"),
});

export type InstanceForm = z.output<typeof instanceFormSchema>;
/** What the form shows: the posted strings (or the stored values), never the token. */
export type FormValues = Partial<Record<keyof InstanceForm, string>>;
export type FieldErrors = Partial<Record<keyof InstanceForm, MessageKey>>;

export interface FormContext {
  creating: boolean;
  /** Webhooks are only possible when PUBLIC_URL is set. */
  webhookAllowed: boolean;
  /** Telegram chats the bot may post to. */
  telegramChatIds: number[];
}

const CHECKBOXES = new Set(["autoReplyEnabled", "enabled"]);

/** Parses a posted form; errors are message keys per field (cross-field rules included). */
export function parseInstanceForm(
  body: Record<string, unknown>,
  ctx: FormContext,
): { ok: true; data: InstanceForm } | { ok: false; errors: FieldErrors } {
  const input = Object.fromEntries(
    Object.keys(instanceFormSchema.shape).map((k) => [
      k,
      typeof body[k] === "string" ? body[k] : CHECKBOXES.has(k) ? undefined : "",
    ]),
  );
  if (!ctx.webhookAllowed && input.intakeMode === "") input.intakeMode = "polling";
  const parsed = instanceFormSchema.safeParse(input);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof InstanceForm;
      errors[field] ??= (issue.message.startsWith("instances.") ? issue.message : fallbackKey(field)) as MessageKey;
    }
    return { ok: false, errors };
  }
  const d = parsed.data;
  if (ctx.creating && d.apiToken === "") errors.apiToken = "instances.err.apiToken";
  if (d.intakeMode === "webhook" && !ctx.webhookAllowed) errors.intakeMode = "instances.err.webhookNeedsUrl";
  if (d.telegramChatId !== null && !ctx.telegramChatIds.includes(d.telegramChatId))
    errors.telegramChatId = "instances.err.telegram";
  if (d.autoReplyEnabled && d.autoReplyText === "") errors.autoReplyText = "instances.err.autoReplyText";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: d };
}

function fallbackKey(field: keyof InstanceForm): MessageKey {
  const keys: Record<keyof InstanceForm, MessageKey> = {
    name: "instances.err.name",
    idInstance: "instances.err.idInstance",
    apiToken: "instances.err.apiToken",
    apiUrl: "instances.err.url",
    mediaUrl: "instances.err.url",
    intakeMode: "instances.err.intake",
    telegramChatId: "instances.err.telegram",
    autoReplyEnabled: "instances.err.autoReplyText",
    autoReplyText: "instances.err.autoReplyText",
    autoReplyIntervalHours: "instances.err.autoReplyInterval",
    markReadPolicy: "instances.err.markRead",
    enabled: "instances.err.enabled",
  };
  return keys[field];
}

/** The posted values to show back after an error (the token is never echoed). */
export function postedValues(body: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const key of Object.keys(instanceFormSchema.shape) as (keyof InstanceForm)[]) {
    if (key !== "apiToken" && typeof body[key] === "string") values[key] = body[key] as string;
  }
  values.autoReplyEnabled ??= ""; // an unchecked box is absent from the post: show it unchecked again
  return values;
}

/** `••••••••cdef`: enough to recognise a token, never enough to use it. */
export function maskToken(token: string): string {
  return `••••••••${token.slice(-4)}`;
}
