// Editing and deleting one's own sent messages, within WhatsApp's windows (edit 15 min, delete for everyone 72 h).
import { and, eq } from "drizzle-orm";
import { recordOwnDelete, recordOwnEdit } from "../conversations/index.ts";
import { messages } from "../db/schema/index.ts";
import { EVENTS } from "../events/names.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { AppDeps } from "../env.ts";
import { deleteRefusal, editRefusal, type ChangeRefusal } from "../lib/message-windows.ts";

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
  // The chat's row previews its last message, which this may have been.
  deps.bus.publish({ name: EVENTS.chatUpdated, instanceId: t.instanceId, data: { chatId: t.chatId } });
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
  await recordOwnEdit(deps.db, row.id, text);
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
  await recordOwnDelete(deps.db, row.id);
  announce(deps, t, "deleted");
  return { ok: true };
}
