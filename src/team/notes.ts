// Private notes: team-only lines in a conversation (direction 'note'). They never enter the outbox, so WhatsApp never
// sees them; the instance's Telegram channel gets them only when the instance has notesToTelegram on.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { chats, instances, messages } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { createPostStore } from "../telegram/posts.ts";
import type { Actor } from "./state.ts";

export interface NotesOptions {
  db: Db;
  bus: EventBus;
  locale: Locale;
}

export function createNotes(opts: NotesOptions) {
  const { db, bus } = opts;
  const t = translator(opts.locale);
  const posts = createPostStore(db);

  return {
    /** Stores a note (once per key: a retried post adds it once) and announces it; returns the message id. */
    async add(
      chat: { id: number; instanceId: number },
      actor: Actor,
      text: string,
      key: string,
    ): Promise<{ id: number; created: boolean }> {
      const [created] = await db
        .insert(messages)
        .values({
          instanceId: chat.instanceId,
          chatId: chat.id,
          direction: "note",
          type: "note",
          text,
          via: "web",
          senderUserId: actor.id,
          senderName: actor.displayName,
          idempotencyKey: `note:${actor.id}:${key}`,
        })
        .onConflictDoNothing({ target: messages.idempotencyKey })
        .returning({ id: messages.id });
      if (!created) {
        const [existing] = await db
          .select({ id: messages.id })
          .from(messages)
          .where(eq(messages.idempotencyKey, `note:${actor.id}:${key}`));
        return { id: existing!.id, created: false };
      }
      bus.publish({
        name: EVENTS.messageCreated,
        instanceId: chat.instanceId,
        data: { messageId: created.id, chatId: chat.id },
      });
      const [target] = await db
        .select({
          tgChatId: instances.telegramChatId,
          on: instances.notesToTelegram,
          instanceName: instances.name,
          chatName: chats.name,
          waChatId: chats.waChatId,
        })
        .from(instances)
        .innerJoin(chats, eq(chats.id, chat.id))
        .where(eq(instances.id, chat.instanceId));
      if (target?.on && target.tgChatId !== null) {
        const who = target.chatName ?? target.waChatId.replace(/@c\.us$/, "");
        const post = t("team.tgNote", { by: actor.displayName, chat: who, instance: target.instanceName, text });
        await posts.enqueue(target.tgChatId, [{ method: "sendMessage", payload: { text: post.slice(0, 4000) } }], {
          instanceId: chat.instanceId,
        });
      }
      return { id: created.id, created: true };
    },
  };
}

export type Notes = ReturnType<typeof createNotes>;
