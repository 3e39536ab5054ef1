// Inputs of the fake's control API that tests (or HTTP callers) build: validated with zod.
import { z } from "zod";
import { FILE_KINDS } from "./files.ts";

const bytesSchema = z.union([
  z.instanceof(Uint8Array),
  z.string().transform((s) => new Uint8Array(Buffer.from(s, "base64"))),
]);

export const messageInput = z.object({
  chatId: z.number().int(),
  userId: z.number().int(),
  text: z.string().optional(),
  caption: z.string().optional(),
  /** message_id in the same chat this one replies to. */
  replyTo: z.number().int().optional(),
  threadId: z.number().int().optional(),
  /** A file the user sends (bytes as Uint8Array, or base64 over HTTP). */
  file: z
    .object({
      kind: z.enum(FILE_KINDS),
      bytes: bytesSchema,
      mimeType: z.string().optional(),
      fileName: z.string().optional(),
    })
    .optional(),
});
export type UserMessageInput = z.input<typeof messageInput>;

export const chatInput = z.object({
  id: z.number().int().optional(),
  type: z.enum(["group", "supergroup", "channel"]),
  title: z.string(),
  username: z.string().optional(),
  /** Channel ↔ discussion group (both sides get linked_chat_id). */
  linkedChatId: z.number().int().optional(),
});
