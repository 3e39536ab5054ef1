// Team events on Telegram: a private note goes to the instance's channel (when notesToTelegram is on), an assignment to
// the assignee's linked account. Both are queued in the publisher's transaction, also while no bot token is set (the
// queue is sent once one is).
import { eq } from "drizzle-orm";
import type { ConversationEvents, ConversationHooks, EventContext } from "../conversations/index.ts";
import type { Db } from "../db/client.ts";
import { chats, instances, users } from "../db/schema/index.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { createPostStore, type PostStore } from "./posts.ts";

function createTeamPosts(opts: { posts: PostStore; defaultLocale: Locale }) {
  const { posts } = opts;
  return {
    /** Posts a note to the instance's channel, when the instance has notesToTelegram on and a channel. */
    async noteAdded(ctx: EventContext, note: ConversationEvents["noteAdded"]): Promise<void> {
      const [target] = await ctx.db
        .select({
          tgChatId: instances.telegramChatId,
          on: instances.notesToTelegram,
          locale: instances.telegramLocale,
          instanceName: instances.name,
          chatName: chats.name,
          waChatId: chats.waChatId,
        })
        .from(instances)
        .innerJoin(chats, eq(chats.id, note.chatId))
        .where(eq(instances.id, note.instanceId));
      if (!target?.on || target.tgChatId === null) return;
      const who = target.chatName ?? target.waChatId.replace(/@c\.us$/, "");
      const text = translator(target.locale ?? opts.defaultLocale)("team.tgNote", {
        by: note.author.displayName,
        chat: who,
        instance: target.instanceName,
        text: note.text,
      });
      await posts.enqueueMany(
        [
          {
            tgChatId: target.tgChatId,
            drafts: [{ method: "sendMessage", payload: { text: text.slice(0, 4000) } }],
            link: { instanceId: note.instanceId },
          },
        ],
        ctx.db,
      );
    },

    /** DMs the assignee's linked Telegram account (not when they took the chat themselves). */
    async chatAssigned(ctx: EventContext, e: ConversationEvents["chatAssigned"]): Promise<void> {
      if (e.by?.id === e.assigneeId) return;
      const [user] = await ctx.db
        .select({ telegramUserId: users.telegramUserId })
        .from(users)
        .where(eq(users.id, e.assigneeId));
      if (user?.telegramUserId == null) return;
      await posts.enqueueMany(
        [
          {
            tgChatId: user.telegramUserId,
            drafts: [{ method: "sendMessage", payload: { text: e.notice.slice(0, 4000) } }],
            link: { instanceId: e.instanceId },
          },
        ],
        ctx.db,
      );
    },
  };
}

/**
 * Subscribes the team posts to noteAdded and chatAssigned, within the publisher's transaction. Notes are posted in the
 * channel's language (`defaultLocale` when the number sets none); assignment notices come in the assignee's.
 */
export function subscribeTeamPosts(hooks: ConversationHooks, opts: { db: Db; defaultLocale: Locale }): void {
  const teamPosts = createTeamPosts({ posts: createPostStore(opts.db), defaultLocale: opts.defaultLocale });
  hooks.withinTransaction("noteAdded", (ctx, note) => teamPosts.noteAdded(ctx, note));
  hooks.withinTransaction("chatAssigned", (ctx, e) => teamPosts.chatAssigned(ctx, e));
}
