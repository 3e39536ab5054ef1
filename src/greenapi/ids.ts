// Chat ids as Green-API sends them, brought to one canonical form at the edge (shared/green-api.md §1 "Chat ids").

/** What a chat id names: a person, a group, a privacy id, WhatsApp Status stories, or a channel. */
export type ChatKind = "user" | "group" | "lid" | "broadcast" | "newsletter";

export interface NormalizedChatId {
  /** Canonical form: `NNN@c.us`, `NNN@g.us` (or legacy `NNN-TTT@g.us`), `NNN@lid`, `status@broadcast`, `NNN@newsletter`. */
  id: string;
  kind: ChatKind;
}

/** Longer input is not an id (the longest real one, a legacy group id, is about 35 characters). */
const MAX_LENGTH = 80;

// Digit runs are bounded: phone numbers have at most 15 digits, group and channel ids about 18, device numbers a few.
// `NNN:K@…` is one device of NNN (the same chat); `@s.whatsapp.net` is WhatsApp's own spelling of `@c.us`.
const USER = /^(\d{1,20})(?::\d{1,4})?@(?:c\.us|s\.whatsapp\.net)$/;
const LID = /^(\d{1,20})(?::\d{1,4})?@lid$/;
const GROUP = /^\d{1,20}(?:-\d{1,12})?@g\.us$/;
const NEWSLETTER = /^\d{1,20}@newsletter$/;
const STATUS = "status@broadcast";

/**
 * The canonical form and kind of a chat id in any form Green-API sends, or null when it is not a chat id (empty,
 * spaces, `+`, letters where digits belong, an unknown domain, too long). Letter case does not matter.
 */
export function normalizeChatId(raw: string): NormalizedChatId | null {
  if (raw.length === 0 || raw.length > MAX_LENGTH) return null;
  const value = raw.toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = USER.exec(value))) return { id: `${m[1]}@c.us`, kind: "user" };
  if ((m = LID.exec(value))) return { id: `${m[1]}@lid`, kind: "lid" };
  if (GROUP.test(value)) return { id: value, kind: "group" };
  if (NEWSLETTER.test(value)) return { id: value, kind: "newsletter" };
  if (value === STATUS) return { id: STATUS, kind: "broadcast" };
  return null;
}

/** The kind of a chat id in any accepted form (null: not a chat id). */
export function chatKindOf(id: string): ChatKind | null {
  return normalizeChatId(id)?.kind ?? null;
}

/** True for a canonical id of a chat people write in: a person (`@c.us`), a group (`@g.us`) or a privacy id (`@lid`). */
export function isConversationId(id: string): boolean {
  const n = normalizeChatId(id);
  return n !== null && n.id === id && (n.kind === "user" || n.kind === "group" || n.kind === "lid");
}
