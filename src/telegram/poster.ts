// Sends queued posts: one worker per Telegram chat takes the oldest post first; failures wait with backoff, so order holds and nothing is lost.
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { GrammyError, HttpError, InputFile, type Api } from "grammy";
import type { Db } from "../db/client.ts";
import { messages } from "../db/schema/index.ts";
import type { Logger } from "../lib/log.ts";
import { editCall } from "./post-edits.ts";
import { FILE_METHODS, payloadSchemas, type FileMethod, type PostRow, type PostStore } from "./posts.ts";

export interface PosterOptions {
  db: Db;
  api: Api;
  posts: PostStore;
  log: Logger;
  dataDir: string;
  /** First retry delay, doubled per attempt up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a post waits for its media download before the text rendering goes instead. */
  mediaWaitMs?: number;
}

export interface Poster {
  start(): void;
  stop(): Promise<void>;
  /**
   * Something was queued: look now rather than at the next tick. With the chats it was queued for: nothing to look at
   * when each of them is being worked through already (its worker takes the next post itself).
   */
  kick(tgChatIds?: readonly number[]): void;
  /** Resolves true when nothing is queued (tests). */
  idle(timeoutMs?: number): Promise<boolean>;
}

const FIELD: Record<FileMethod, string> = {
  sendPhoto: "photo",
  sendVideo: "video",
  sendAudio: "audio",
  sendVoice: "voice",
  sendDocument: "document",
  sendSticker: "sticker",
};
const MB = 1024 * 1024;
type Call = { method: string; params: Record<string, unknown> } | { waitMs: number } | { skip: string };

/** Refusals that will not change on retry (bad request, no rights, chat gone); 401, 429 and 5xx are worth retrying. */
function permanent(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code >= 400 &&
    err.error_code < 500 &&
    err.error_code !== 401 &&
    err.error_code !== 429
  );
}

export function createPoster(opts: PosterOptions): Poster {
  const { db, api, posts, log } = opts;
  const base = opts.retryBaseMs ?? 1000;
  const max = opts.retryMaxMs ?? 60_000;
  const mediaWaitMs = opts.mediaWaitMs ?? 60_000;
  const busy = new Set<number>();
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  // Kicked while scanning: the scan may have missed what was just queued, so one more scan follows (however many kicks).
  let again = false;

  /** The Bot API call for a post; media posts read the file now (or wait for its download, or fall back to text). */
  async function prepare(post: PostRow): Promise<Call> {
    const chat_id = post.tgChatId;
    if (post.method.startsWith("edit")) return editCall(db, post);
    if (!(FILE_METHODS as readonly string[]).includes(post.method)) {
      const schema =
        post.method === "setMessageReaction" ? payloadSchemas.setMessageReaction : payloadSchemas.sendMessage;
      return { method: post.method, params: { chat_id, ...schema.parse(post.payload) } };
    }
    const method = post.method as FileMethod;
    const { fallback, ...caption } = payloadSchemas.file.parse(post.payload);
    const [row] = post.messageId
      ? await db.select({ media: messages.media }).from(messages).where(eq(messages.id, post.messageId))
      : [];
    const media = row?.media;
    if (media?.state === "pending" && Date.now() - post.createdAt.getTime() < mediaWaitMs) return { waitMs: 1000 };
    const file = media?.state === "ready" && media.sha256 ? Bun.file(join(opts.dataDir, "media", media.sha256)) : null;
    if (!file || !(await file.exists()) || file.size > 50 * MB)
      return { method: "sendMessage", params: { chat_id, ...fallback } };
    // Photos over 10 MB are refused by Telegram: they go as documents.
    const as = method === "sendPhoto" && file.size > 10 * MB ? "sendDocument" : method;
    const input = new InputFile(new Uint8Array(await file.arrayBuffer()), media!.fileName ?? FIELD[as]);
    return { method: as, params: { chat_id, [FIELD[as]]: input, ...(as === "sendSticker" ? {} : caption) } };
  }

  /** Sends one post; false when the chat must wait (retry later or media pending). */
  async function deliver(post: PostRow): Promise<boolean> {
    try {
      const call = await prepare(post);
      if ("waitMs" in call) {
        await posts.retryLater(post.id, call.waitMs, "waiting for the media download", false);
        return false;
      }
      if ("skip" in call) {
        await posts.fail(post.id, call.skip);
        return true;
      }
      const send = (api.raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>)[
        call.method
      ]!;
      const result = await send(call.params);
      // An edit answers the edited message: its id belongs to the post it edited.
      const tgMessageId =
        typeof result === "object" && result && "message_id" in result && !post.method.startsWith("edit")
          ? Number(result.message_id)
          : null;
      await posts.markSent(post.id, tgMessageId);
      return true;
    } catch (err) {
      const reason =
        err instanceof GrammyError
          ? `${err.error_code} ${err.description}`
          : err instanceof HttpError
            ? `network: ${err.message}`
            : String(err);
      if (permanent(err)) {
        log.warn({ postId: post.id, tgChatId: post.tgChatId, reason }, "telegram refused a post; dropped");
        await posts.fail(post.id, reason);
        return true;
      }
      const delay = Math.min(max, base * 2 ** Math.min(post.attempts, 20));
      log.info(
        { postId: post.id, tgChatId: post.tgChatId, reason, retryInMs: delay },
        "telegram post failed; will retry",
      );
      await posts.retryLater(post.id, delay, reason);
      return false;
    }
  }

  async function drain(tgChatId: number): Promise<void> {
    try {
      while (running) {
        const post = await posts.head(tgChatId);
        if (!post || (post.nextAttemptAt && post.nextAttemptAt.getTime() > Date.now())) return;
        if (!(await deliver(post))) return;
      }
    } catch (err) {
      log.error({ err, tgChatId }, "telegram poster failed");
    } finally {
      busy.delete(tgChatId);
    }
  }

  async function run(): Promise<void> {
    while (running) {
      again = false;
      try {
        for (const head of await posts.heads()) {
          const due = !head.nextAttemptAt || head.nextAttemptAt.getTime() <= Date.now();
          if (due && !busy.has(head.tgChatId)) {
            busy.add(head.tgChatId);
            void drain(head.tgChatId);
          }
        }
      } catch (err) {
        log.error({ err }, "telegram queue read failed");
      }
      if (again || !running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve();
        }, 250);
        wake = () => {
          wake = null;
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      const deadline = Date.now() + 5000;
      while (busy.size > 0 && Date.now() < deadline) await Bun.sleep(20);
    },
    kick(tgChatIds) {
      if (tgChatIds?.every((id) => busy.has(id))) return;
      if (wake) wake();
      else again = true;
    },
    async idle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (busy.size === 0 && (await posts.queuedCount()) === 0) return true;
        await Bun.sleep(25);
      }
      return false;
    },
  };
}
