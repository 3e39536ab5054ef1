// A customer's WhatsApp edit or delete shown on the channel post of their message: the post keeps what it said and
// gains a mark ("deleted by the customer", "edited by the customer:" and the new text), through the posting queue.
import { and, asc, desc, eq, like, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instances, messages, telegramPosts } from "../db/schema/index.ts";
import type { Locale, Translate } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { shorten } from "../lib/names.ts";
import { FILE_METHODS, payloadSchemas, type PostRow, type PostStore } from "./posts.ts";

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

type Entity = { type: "bold"; offset: number; length: number };
/** A bold label and what follows it on its own lines. */
type Mark = { label: string; body?: string };

export interface PostEditDeps {
  db: Db;
  posts: PostStore;
  log: Logger;
  /** Translator of a channel's language (null: the number has none set). */
  channelT: (locale: Locale | null) => Translate;
  queued: () => void;
}

/** The post's text (or caption) with the marks after it, cut to Telegram's limit; bold labels. */
function marked(base: { text: string; entities: Entity[] }, marks: Mark[], limit: number) {
  let text = base.text;
  const entities = [...base.entities];
  for (const { label, body } of marks) {
    text += "\n\n";
    entities.push({ type: "bold", offset: text.length, length: label.length });
    text += body ? `${label}\n${body}` : label;
  }
  const cut = shorten(text, limit, { measure: "utf16" });
  return { text: cut, entities: entities.filter((e) => e.offset + e.length <= cut.length) };
}

/**
 * Queues the mark of customer message `messageId`'s edit or delete on its notification post: editMessageText, or
 * editMessageCaption for a file. Nothing when the post was never queued or failed; a change already marked is skipped.
 */
export async function markCustomerChange(deps: PostEditDeps, messageId: number): Promise<void> {
  const { db, posts } = deps;
  const [m] = await db
    .select({
      instanceId: messages.instanceId,
      text: messages.text,
      originalText: messages.originalText,
      editedAt: messages.editedAt,
      deletedAt: messages.deletedAt,
      locale: instances.telegramLocale,
    })
    .from(messages)
    .innerJoin(instances, eq(instances.id, messages.instanceId))
    .where(and(eq(messages.id, messageId), eq(messages.direction, "in")));
  if (!m || (!m.editedAt && !m.deletedAt)) return;
  // The notification itself (a file, or the first text part), as queued: its Telegram id is read when the edit goes.
  const [post] = await db
    .select()
    .from(telegramPosts)
    .where(
      and(
        eq(telegramPosts.messageId, messageId),
        like(telegramPosts.method, "send%"),
        ne(telegramPosts.status, "failed"),
      ),
    )
    .orderBy(asc(telegramPosts.id))
    .limit(1);
  if (!post) {
    deps.log.debug({ messageId }, "customer change not marked: no notification post");
    return;
  }
  const t = deps.channelT(m.locale);
  const marks: Mark[] = [];
  if (m.deletedAt) marks.push({ label: t("tg.post.deleted") });
  if (m.editedAt && m.text !== m.originalText) marks.push({ label: t("tg.post.edited"), body: m.text ?? "" });
  if (marks.length === 0) return;
  const draft = editDraft(post, marks);
  if (!draft) return;
  const [last] = await db
    .select({ payload: telegramPosts.payload })
    .from(telegramPosts)
    .where(and(eq(telegramPosts.messageId, messageId), like(telegramPosts.method, "edit%")))
    .orderBy(desc(telegramPosts.id))
    .limit(1);
  // A re-delivered change: that mark is queued or shown already (jsonb reorders keys: compare the texts).
  const before = payloadSchemas.edit.safeParse(last?.payload);
  if (before.success && before.data.text === draft.payload.text && before.data.caption === draft.payload.caption)
    return;
  await posts.enqueue(post.tgChatId, [draft], { instanceId: m.instanceId, messageId });
  deps.queued();
}

function editDraft(post: PostRow, marks: Mark[]) {
  if ((FILE_METHODS as readonly string[]).includes(post.method)) {
    const file = payloadSchemas.file.parse(post.payload);
    // A sticker carries no caption (its header went in a text post before it, the one marked then).
    if (file.caption === undefined) return undefined;
    const { text, entities } = marked(
      { text: file.caption, entities: file.caption_entities ?? [] },
      marks,
      CAPTION_LIMIT,
    );
    return {
      method: "editMessageCaption" as const,
      payload: { post_id: post.id, caption: text, caption_entities: entities },
    };
  }
  const sent = payloadSchemas.sendMessage.parse(post.payload);
  const { text, entities } = marked({ text: sent.text, entities: sent.entities ?? [] }, marks, TEXT_LIMIT);
  return { method: "editMessageText" as const, payload: { post_id: post.id, text, entities } };
}

/** The Bot API call of a queued edit: the post it marks must be out (its message id known), else nothing is sent. */
export async function editCall(
  db: Db,
  post: PostRow,
): Promise<{ method: string; params: Record<string, unknown> } | { skip: string }> {
  const { post_id, ...rest } = payloadSchemas.edit.parse(post.payload);
  const [target] = await db
    .select({ tgMessageId: telegramPosts.tgMessageId })
    .from(telegramPosts)
    .where(eq(telegramPosts.id, post_id));
  if (!target?.tgMessageId) return { skip: "the post to mark was never sent" };
  return { method: post.method, params: { chat_id: post.tgChatId, message_id: target.tgMessageId, ...rest } };
}
