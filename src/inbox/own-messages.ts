// Editing and deleting one's own sent messages, within WhatsApp's windows (edit 15 min, delete for everyone 72 h).
import { and, eq, sql } from "drizzle-orm";
import { messages } from "../db/schema/index.ts";
import { EVENTS } from "../events/names.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { AppDeps } from "../lib/context.ts";

export const EDIT_WINDOW_MS = 15 * 60_000;
export const DELETE_WINDOW_MS = 72 * 3600_000;

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

export type ChangeResult = { ok: true } | { ok: false; refusal: ChangeRefusal } | { ok: false; error: string };

type Deps = Pick<AppDeps, "db" | "bus" | "gateway" | "instances">;
interface Target {
  instanceId: number;
  chatId: number;
  waChatId: string;
  messageId: number;
  userId: number;
}

async function load(deps: Deps, t: Target) {
  const [row] = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, t.messageId), eq(messages.chatId, t.chatId), eq(messages.instanceId, t.instanceId)));
  return row;
}

/** Calls Green-API; its refusal (or an outage) becomes a reason shown next to the message. */
async function callGreenApi(
  deps: Deps,
  t: Target,
  method: string,
  fn: Parameters<Deps["gateway"]["call"]>[3],
): Promise<string | null> {
  const instance = await deps.instances.getRow(t.instanceId);
  if (!instance) return "instance removed";
  try {
    await deps.gateway.call(instance, method, "reply", fn, { maxAttempts: 3 });
    return null;
  } catch (err) {
    return err instanceof GreenApiError ? err.reason : "request failed";
  }
}

function announce(deps: Deps, t: Target, change: "edited" | "deleted") {
  deps.bus.publish({
    name: EVENTS.messageUpdated,
    instanceId: t.instanceId,
    data: { messageId: t.messageId, chatId: t.chatId, change },
  });
}

/** Replaces the text of one's own message in WhatsApp and here (the original stays in history). */
export async function editOwnMessage(deps: Deps, t: Target, text: string): Promise<ChangeResult | undefined> {
  const row = await load(deps, t);
  if (!row) return undefined;
  const refused = editRefusal(row, t.userId);
  if (refused) return { ok: false, refusal: refused };
  const error = await callGreenApi(deps, t, "editMessage", (c) =>
    c.editMessage({ chatId: t.waChatId, idMessage: row.idMessage!, message: text }),
  );
  if (error) return { ok: false, error };
  await deps.db
    .update(messages)
    .set({ originalText: sql`coalesce(${messages.originalText}, ${messages.text})`, text, editedAt: new Date() })
    .where(eq(messages.id, row.id));
  announce(deps, t, "edited");
  return { ok: true };
}

/** Deletes one's own message for everyone; the row stays (admins still see it), marked deleted. */
export async function deleteOwnMessage(deps: Deps, t: Target): Promise<ChangeResult | undefined> {
  const row = await load(deps, t);
  if (!row) return undefined;
  const refused = deleteRefusal(row, t.userId);
  if (refused) return { ok: false, refusal: refused };
  const error = await callGreenApi(deps, t, "deleteMessage", (c) =>
    c.deleteMessage({ chatId: t.waChatId, idMessage: row.idMessage! }),
  );
  if (error) return { ok: false, error };
  await deps.db
    .update(messages)
    .set({ deletedAt: sql`coalesce(${messages.deletedAt}, now())` })
    .where(eq(messages.id, row.id));
  announce(deps, t, "deleted");
  return { ok: true };
}
