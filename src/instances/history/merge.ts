// Merges Green-API journal items into the inbox through the same ingest path as live notifications, idempotently.
import type { InstanceRow } from "../service.ts";
import type { Ingest } from "../../conversations/index.ts";
import type { Logger } from "../../lib/log.ts";
import { journalDeletion, journalToNotification } from "../../greenapi/journal.ts";
import { isMessageNotification, parseNotification, type MessageNotification } from "../../greenapi/notifications.ts";
import type { JournalMessage } from "../../greenapi/schemas.ts";
import type { HistoryStore } from "./service.ts";

export interface MergeDeps {
  store: HistoryStore;
  ingest: Ingest;
  log: Logger;
}

export interface MergeResult {
  /** Messages added (already stored ones are skipped). */
  added: number;
  /** Chats (row ids) that got messages. */
  chatIds: number[];
}

/**
 * Stores journal items oldest first (so reactions and edits find their targets). `history` marks imported history:
 * no unread counts and no per-message events; a backfill passes false so the gap reads like live traffic.
 */
export async function mergeJournal(
  deps: MergeDeps,
  instance: InstanceRow,
  items: JournalMessage[],
  history: boolean,
  chatNames: ReadonlyMap<string, string> = new Map(),
): Promise<MergeResult> {
  const byChat = new Map<string, JournalMessage[]>();
  // Journals answer newest first: reversed, a stable sort keeps messages of the same second in their order.
  for (const item of [...items].reverse().sort((a, b) => a.timestamp - b.timestamp)) {
    const list = byChat.get(item.chatId);
    if (list) list.push(item);
    else byChat.set(item.chatId, [item]);
  }
  let added = 0;
  const chatIds: number[] = [];
  for (const [waChatId, list] of byChat) {
    const known = await deps.store.stored(
      instance.id,
      waChatId,
      list.map((i) => i.idMessage),
    );
    const notifications: Array<{ event: MessageNotification; body: unknown }> = [];
    for (const item of list) {
      const bodies = [
        known.ids.has(item.idMessage) ? null : journalToNotification(item, instance, chatNames.get(waChatId)),
        journalDeletion(item, instance),
      ];
      for (const body of bodies) {
        if (!body) continue;
        const parsed = parseNotification(body);
        if (!parsed.ok || !isMessageNotification(parsed.event)) {
          deps.log.warn(
            { instanceId: instance.id, reason: parsed.ok ? parsed.event.typeWebhook : parsed.reason },
            "history: journal item skipped",
          );
          continue;
        }
        notifications.push({ event: parsed.event, body });
      }
    }
    // The chat's messages in one transaction (a handful of statements, not several per message).
    const here = await deps.ingest.ingestMessages(instance.id, notifications, { history });
    added += here;
    if (here > 0) {
      const chatId = known.chatId ?? (await deps.store.stored(instance.id, waChatId, [])).chatId;
      if (chatId !== null) chatIds.push(chatId);
    }
  }
  return { added, chatIds };
}
