// createBot: grammY with flood control and retries from the official plugins, one Composer per feature inside an error boundary.
import type { ReplyFile } from "./download.ts";
import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Bot, GrammyError, HttpError, type Api } from "grammy";
import type { AuditService } from "../audit/service.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Outbox, ReactInput, ReactResult, SentChange, SentChangeResult } from "../conversations/index.ts";
import type { Locale } from "../lib/i18n.ts";
import type { Logger } from "../lib/log.ts";
import { countCalls } from "./api-metrics.ts";
import type { ChatDirectory } from "./chats.ts";
import type { CodeService } from "./codes.ts";
import { channels } from "./features/channels.ts";
import { edits } from "./features/edits.ts";
import { linking } from "./features/linking.ts";
import { reactions } from "./features/reactions.ts";
import { replies } from "./features/replies.ts";
import { unhandled } from "./features/unhandled.ts";
import { throttlerOptions } from "./limits.ts";
import type { Notifier } from "./notify.ts";
import type { PostStore } from "./posts.ts";

/** What the features use. */
export interface FeatureDeps {
  db: Db;
  bus: EventBus;
  log: Logger;
  outbox: Outbox;
  posts: PostStore;
  chats: ChatDirectory;
  codes: CodeService;
  notifier: Notifier;
  /** Links made or moved are recorded. */
  audit: AuditService;
  /** Language of a channel whose number sets none, and of private chats with someone not linked. */
  defaultLocale: Locale;
  /** Something was queued for posting. */
  queued(): void;
  /** Reacts in WhatsApp as the number (absent: Telegram reactions are not passed on). */
  react?: (input: ReactInput) => Promise<ReactResult | undefined>;
  /** Edits or deletes a sent message in WhatsApp (absent: edits and /delete of Telegram replies are not passed on). */
  changeSent?: (messageId: number, change: SentChange) => Promise<SentChangeResult | undefined>;
  /** Downloads a replied file into the media store (absent when there is no store). */
  fetchFile?: (
    api: Api,
    file: ReplyFile,
  ) => Promise<{ sha256: string; size: number; fileName: string; mimeType: string }>;
}

/** The updates the features handle (a list replaces Telegram's default set: each kind must be named). */
export const ALLOWED_UPDATES = [
  "message",
  "channel_post",
  "edited_message",
  "edited_channel_post",
  "my_chat_member",
  "callback_query",
  "message_reaction",
] as const;

/** A bot without features: the API client with flood control (429 waits, pacing to Telegram's limits). */
export function createApiBot(token: string, apiRoot: string, timeScale = 1): Bot {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.api.config.use(countCalls);
  // Installed last = outermost: a 429 goes back through the throttler. 5xx and network errors are rethrown:
  // the poster keeps its own persisted backoff, and direct calls report them.
  bot.api.config.use(apiThrottler(throttlerOptions(timeScale)));
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 5,
      maxDelaySeconds: 300,
      rethrowInternalServerErrors: true,
      rethrowHttpErrors: true,
    }),
  );
  return bot;
}

/** Installs the features on a bot made by createApiBot. */
export function installFeatures(bot: Bot, deps: FeatureDeps): Bot {
  bot.errorBoundary(
    (err) => deps.log.error({ err: err.error, updateId: err.ctx.update.update_id }, "telegram feature failed"),
    channels(deps),
    linking(deps),
    // Before replies: "/delete" answering a reply is a command, not an answer to send.
    edits(deps),
    replies(deps),
    reactions(deps),
    unhandled(deps),
  );
  bot.catch((err) => {
    if (err.error instanceof GrammyError)
      deps.log.warn(
        { code: err.error.error_code, description: err.error.description, method: err.error.method },
        "telegram refused a call",
      );
    else if (err.error instanceof HttpError) deps.log.warn({ err: err.error.message }, "telegram unreachable");
    else deps.log.error({ err: err.error }, "telegram update failed");
  });
  return bot;
}
