// WhatsApp's windows for changing a sent message (edit 15 min, delete for everyone 72 h): pure rules shared by the
// service that enforces them and the bubble that offers (or greys out) the actions.

const EDIT_WINDOW_MS = 15 * 60_000;
const DELETE_WINDOW_MS = 72 * 3600_000;

/** What the UI needs to decide which actions to offer on a bubble. */
export interface OwnMessage {
  direction: string;
  senderUserId: number | null;
  idMessage: string | null;
  type: string;
  status: string | null;
  sentAt: Date;
  deletedAt: Date | null;
}

const DELIVERED = new Set(["accepted", "sent", "delivered", "read"]);

export type ChangeRefusal = "notOwn" | "editTooLate" | "deleteTooLate" | "notText";

/** Why this user may not edit the message now (null: they may). */
export function editRefusal(m: OwnMessage, userId: number, now = new Date()): ChangeRefusal | null {
  const base = refusal(m, userId);
  if (base) return base;
  if (m.type !== "textMessage" && m.type !== "extendedTextMessage" && m.type !== "quotedMessage") return "notText";
  return now.getTime() - m.sentAt.getTime() > EDIT_WINDOW_MS ? "editTooLate" : null;
}

/** Why this user may not delete the message for everyone now (null: they may). */
export function deleteRefusal(m: OwnMessage, userId: number, now = new Date()): ChangeRefusal | null {
  const base = refusal(m, userId);
  if (base) return base;
  return now.getTime() - m.sentAt.getTime() > DELETE_WINDOW_MS ? "deleteTooLate" : null;
}

function refusal(m: OwnMessage, userId: number): ChangeRefusal | null {
  const sentByThem = m.direction === "out" && m.senderUserId === userId && m.idMessage !== null && !m.deletedAt;
  return sentByThem && m.status !== null && DELIVERED.has(m.status) ? null : "notOwn";
}
