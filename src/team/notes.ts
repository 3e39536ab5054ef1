// Private notes: team-only lines in a conversation (direction 'note'). They never enter the outbox, so WhatsApp never
// sees them; noteAdded lets Telegram post them to the instance's channel when it has notesToTelegram on.
import { directContext, writeNote, type ConversationHooks } from "../conversations/index.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Actor } from "./state.ts";

export interface NotesOptions {
  db: Db;
  bus: EventBus;
  /** Where noteAdded is published. */
  hooks: ConversationHooks;
}

export function createNotes(opts: NotesOptions) {
  const { db, bus, hooks } = opts;

  return {
    /** Stores a note (once per key: a retried post adds it once) and announces it; returns the message id. */
    async add(
      chat: { id: number; instanceId: number },
      actor: Actor,
      text: string,
      key: string,
    ): Promise<{ id: number; created: boolean }> {
      const note = await writeNote(db, chat, actor, text, key);
      if (!note.created) return note;
      bus.publish({
        name: EVENTS.messageCreated,
        instanceId: chat.instanceId,
        data: { messageId: note.id, chatId: chat.id },
      });
      await hooks.publish(directContext(db), "noteAdded", {
        instanceId: chat.instanceId,
        chatId: chat.id,
        messageId: note.id,
        author: { id: actor.id, displayName: actor.displayName },
        text,
      });
      return note;
    },
  };
}
