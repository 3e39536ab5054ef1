// Storing a send: its chat found or created, the message queued once per idempotency key (the outbox sends it).
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, messages, type MessageMedia } from "../db/schema/index.ts";
import { fileKind } from "./outbox-content.ts";

export interface SendTextInput {
  instanceId: number;
  waChatId: string;
  text: string;
  idempotencyKey: string;
  quotedIdMessage?: string;
  senderUserId?: number;
  senderName?: string;
  via: "web" | "telegram" | "auto";
}

/** A file already in the media store (`deps.media.store.store(...)`), sent with sendFileByUpload. */
export interface SendFileInput extends Omit<SendTextInput, "text"> {
  /** `kind` "voice": a voice note recorded in the web (else the kind follows the mime type). */
  file: { sha256: string; fileName: string; mimeType: string; size: number; kind?: "voice" };
  /** Shown under images and videos; at most 1024 characters. */
  caption?: string;
}

/** Stores a text or file send as queued (once per idempotency key); `created` false when the key was used already. */
export async function storeSend(
  db: Db,
  input: SendTextInput | SendFileInput,
): Promise<{ id: number; chatId: number; created: boolean }> {
  let content: { type: string; text: string | null; media: MessageMedia | null };
  if ("file" in input) {
    const { type, kind } = fileKind(input.file.mimeType);
    const media: MessageMedia = { ...input.file, kind: input.file.kind ?? kind, state: "ready" };
    content = { type, text: input.caption || null, media };
  } else {
    content = { type: "textMessage", text: input.text, media: null };
  }
  const [chat] = await db
    .insert(chats)
    .values({
      instanceId: input.instanceId,
      waChatId: input.waChatId,
      lastMessageAt: sql`now()`,
      // A new chat belongs to the number linked now (chats.owner_wid).
      ownerWid: sql`(select nullif(i.wid, '') from instances i where i.id = ${input.instanceId})`,
    })
    .onConflictDoUpdate({ target: [chats.instanceId, chats.waChatId], set: { lastMessageAt: sql`now()` } })
    .returning({ id: chats.id });
  const [created] = await db
    .insert(messages)
    .values({
      instanceId: input.instanceId,
      chatId: chat!.id,
      direction: "out",
      type: content.type,
      text: content.text,
      media: content.media,
      via: input.via,
      senderUserId: input.senderUserId,
      senderName: input.senderName,
      quotedIdMessage: input.quotedIdMessage,
      status: "queued",
      idempotencyKey: input.idempotencyKey,
    })
    .onConflictDoNothing({ target: messages.idempotencyKey })
    .returning({ id: messages.id });
  if (created) return { id: created.id, chatId: chat!.id, created: true };
  const [existing] = await db
    .select({ id: messages.id, chatId: messages.chatId })
    .from(messages)
    .where(eq(messages.idempotencyKey, input.idempotencyKey));
  return { id: existing!.id, chatId: existing!.chatId, created: false };
}
