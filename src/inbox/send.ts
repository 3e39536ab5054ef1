// Validation of what managers send from the web (recipient, text, reply-to, file caption), before the outbox takes it.
import { z } from "zod";
import { chatIdSchema } from "../greenapi/schemas.ts";
import { MAX_MEDIA_BYTES } from "./media-store.ts";

/** A phone number as people type it (+7 900 123-45-67) or a WhatsApp chat id. */
const recipientSchema = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (chatIdSchema.safeParse(v).success) return v;
    const digits = v.replace(/[\s()+-]/g, "");
    if (/^\d{7,15}$/.test(digits)) return `${digits}@c.us`;
    ctx.addIssue({ code: "custom", message: "a phone number with country code, e.g. +7 900 123-45-67" });
    return z.NEVER;
  });

/** Client-chosen idempotency key (a retried form post never sends twice). */
const keySchema = z
  .string()
  .regex(/^[\w-]{8,64}$/)
  .optional();

export const sendTextForm = z.object({
  text: z.string().trim().min(1, "the message is empty").max(20_000, "at most 20 000 characters"),
  key: keySchema,
  quoted: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional(),
});

export const newChatForm = sendTextForm.extend({ to: recipientSchema });

const blankIsAbsent = (v: unknown) => (v === "" ? undefined : v);

/** A file upload as posted: the file (present, within MAX_MEDIA_BYTES) and its fields (an empty field is absent). */
export const sendFileUpload = z.object({
  file: z.instanceof(File).refine((f) => f.size > 0 && f.size <= MAX_MEDIA_BYTES),
  caption: z.preprocess(blankIsAbsent, z.string().trim().max(1024, "at most 1024 characters").optional()),
  key: z.preprocess(blankIsAbsent, keySchema),
  quoted: z.preprocess(blankIsAbsent, sendTextForm.shape.quoted),
  /** "1": a voice note recorded in the composer (src/inbox/voice.ts). */
  voice: z.preprocess(blankIsAbsent, z.literal("1").optional()),
});
