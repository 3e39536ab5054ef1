// What an outbox send holds, and how a journal item is recognised as that send after a lost answer.
import type { MessageMedia } from "../db/schema/index.ts";
import type { JournalMessage } from "../greenapi/schemas.ts";

/** How far along a send is: a folded webhook twin may already have a later status than the send's answer. */
export const PROGRESS = ["accepted", "sent", "delivered", "read"] as const;
/** A status of a send once Green-API took it, in order. */
export type Progress = (typeof PROGRESS)[number];

/** The stored type and media kind of a file send, from its mime type. */
export function fileKind(mimeType: string): { type: string; kind: MessageMedia["kind"] } {
  const major = mimeType.split("/")[0];
  if (major === "image") return { type: "imageMessage", kind: "image" };
  if (major === "video") return { type: "videoMessage", kind: "video" };
  if (major === "audio") return { type: "audioMessage", kind: "audio" };
  return { type: "documentMessage", kind: "document" };
}

/** Whether a journal item is this send: same text, or for a file the same file name and caption. */
export function sameContent(j: JournalMessage, row: { text: string | null; media: MessageMedia | null }): boolean {
  if (row.media?.sha256) return j.fileName === row.media.fileName && (j.caption ?? "") === (row.text ?? "");
  return journalText(j) === row.text;
}

function journalText(j: JournalMessage): string | undefined {
  const extended = j.extendedTextMessage as { text?: unknown } | undefined;
  return j.textMessage ?? (typeof extended?.text === "string" ? extended.text : undefined);
}

/** The status a journal item shows a send reached (accepted when it says nothing more). */
export function journalStatus(j: JournalMessage): "accepted" | "sent" | "delivered" | "read" {
  const s = j.type === "outgoing" ? j.statusMessage : "";
  return s === "sent" || s === "delivered" || s === "read" ? s : "accepted";
}
