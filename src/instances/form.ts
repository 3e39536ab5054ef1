// The create/edit form of an instance: zod schema (the fields, then the rules that need the app's context), per-field
// error keys, and the values a form shows back.
import { z } from "zod";
import type { MessageKey } from "../lib/i18n.ts";

const trimmed = z.string().trim();
const optionalUrl = trimmed
  .max(200)
  .refine((v) => v === "" || /^https?:\/\/[^\s/]+(\/\S*)?$/i.test(v), "instances.err.url")
  .transform((v) => v.replace(/\/+$/, ""));

/** The fields as posted (strings, checkbox "on"); `apiToken` may be empty on edit (keep the stored one). */
const instanceFields = z.object({
  name: trimmed.min(1, "instances.err.name").max(80, "instances.err.name"),
  idInstance: trimmed.regex(/^\d{4,10}$/, "instances.err.idInstance").transform(Number),
  apiToken: trimmed.refine((v) => v === "" || /^[A-Za-z0-9]{16,128}$/.test(v), "instances.err.apiToken"),
  apiUrl: optionalUrl,
  mediaUrl: optionalUrl,
  intakeMode: z.enum(["webhook", "polling"], { error: "instances.err.intake" }),
  telegramChatId: trimmed
    .refine((v) => v === "" || /^-?\d{1,20}$/.test(v), "instances.err.telegram")
    .transform((v) => (v === "" ? null : Number(v))),
  /** Language of the channel's posts; "" = the app's DEFAULT_LOCALE. */
  telegramLocale: z
    .enum(["", "en", "ru"], { error: "instances.err.telegramLocale" })
    .transform((v) => (v === "" ? null : v)),
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

export type InstanceForm = z.output<typeof instanceFields>;
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

/**
 * A posted form read the way `c.req.parseBody()` reads it: the last value of a repeated name (Hono's form validator
 * hands repeated names over as arrays; the hidden "off" before the `enabled` checkbox posts that name twice), files
 * left out.
 */
export function lastStrings(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last === "string") out[key] = last;
  }
  return out;
}

/** Every field as a string ("" when absent), an unchecked checkbox absent, intake "polling" when webhooks cannot be. */
function fieldsOf(body: unknown, ctx: FormContext): Record<string, string | undefined> {
  const posted = lastStrings(body);
  const input = Object.fromEntries(
    Object.keys(instanceFields.shape).map((k) => [k, posted[k] ?? (CHECKBOXES.has(k) ? undefined : "")]),
  );
  if (!ctx.webhookAllowed && input.intakeMode === "") input.intakeMode = "polling";
  return input;
}

/**
 * The instance form checked against the app's context: the fields first, then (only when they are all valid) the
 * rules across fields — a token to create, webhooks only with PUBLIC_URL, a Telegram chat the bot may post to, a text
 * for an enabled auto-reply. Every issue's message is a message key.
 */
export function instanceFormSchema(ctx: FormContext) {
  return z
    .preprocess((body) => fieldsOf(body, ctx), instanceFields)
    .superRefine(
      (d, check) => {
        const fail = (field: keyof InstanceForm, key: MessageKey) =>
          check.addIssue({ code: "custom", path: [field], message: key });
        if (ctx.creating && d.apiToken === "") fail("apiToken", "instances.err.apiToken");
        if (d.intakeMode === "webhook" && !ctx.webhookAllowed) fail("intakeMode", "instances.err.webhookNeedsUrl");
        if (d.telegramChatId !== null && !ctx.telegramChatIds.includes(d.telegramChatId))
          fail("telegramChatId", "instances.err.telegram");
        if (d.autoReplyEnabled && d.autoReplyText === "") fail("autoReplyText", "instances.err.autoReplyText");
      },
      { when: (payload) => payload.issues.length === 0 },
    );
}

/** The first problem of each field as a message key (zod's own messages, e.g. a wrong type, get the field's key). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path[0] as keyof InstanceForm;
    errors[field] ??= (issue.message.startsWith("instances.") ? issue.message : fallbackKey(field)) as MessageKey;
  }
  return errors;
}

/** Parses a form outside a request (the CLI); errors are message keys per field (cross-field rules included). */
export function parseInstanceForm(
  body: Record<string, unknown>,
  ctx: FormContext,
): { ok: true; data: InstanceForm } | { ok: false; errors: FieldErrors } {
  const parsed = instanceFormSchema(ctx).safeParse(body);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error.issues) };
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
    telegramLocale: "instances.err.telegramLocale",
    autoReplyEnabled: "instances.err.autoReplyText",
    autoReplyText: "instances.err.autoReplyText",
    autoReplyIntervalHours: "instances.err.autoReplyInterval",
    markReadPolicy: "instances.err.markRead",
    enabled: "instances.err.enabled",
  };
  return keys[field];
}

/** The posted values to show back after an error (the token is never echoed). */
export function postedValues(body: unknown): FormValues {
  const posted = lastStrings(body);
  const values: FormValues = {};
  for (const key of Object.keys(instanceFields.shape) as (keyof InstanceForm)[]) {
    if (key !== "apiToken" && posted[key] !== undefined) values[key] = posted[key];
  }
  values.autoReplyEnabled ??= ""; // an unchecked box is absent from the post: show it unchecked again
  return values;
}

/** `••••••••cdef`: enough to recognise a token, never enough to use it. */
export function maskToken(token: string): string {
  return `••••••••${token.slice(-4)}`;
}
