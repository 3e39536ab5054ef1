// The Telegram capability's public face: createTelegram() wires the bot, the posting queue, notifications, links and 2FA codes.
import type { Api } from "grammy";
import type { MediaStore } from "../inbox/media-store.ts";
import { fetchReplyFile, type ReplyFile } from "./download.ts";
import type { Bot } from "grammy";
import type { AuditService } from "../audit/service.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type {
  EventContext,
  Outbox,
  ReactInput,
  ReactResult,
  SentChange,
  SentChangeResult,
  StoredIncoming,
} from "../conversations/index.ts";
import type { Logger } from "../lib/log.ts";
import { ALLOWED_UPDATES, createApiBot, installFeatures } from "./bot.ts";
import { createChatDirectory, type ChatDirectory } from "./chats.ts";
import { createCodeService, type CodeService } from "./codes.ts";
import { createNotifier, type Notifier } from "./notify.ts";
import { createPostStore } from "./posts.ts";
import { createPoster, type Poster } from "./poster.ts";
export { subscribeTeamPosts } from "./team-posts.ts";

export { TelegramNotLinkedError, TelegramSendError } from "./codes.ts";

export interface TelegramDeps {
  config: Config;
  db: Db;
  bus: EventBus;
  log: Logger;
  outbox: Outbox;
  audit: AuditService;
  /** Where files from Telegram replies are stored before they are sent to WhatsApp. */
  mediaStore?: MediaStore;
  /** Reacts in WhatsApp as the number (Telegram reactions on customers' posts go there). */
  react?: (input: ReactInput) => Promise<ReactResult | undefined>;
  /** Edits or deletes a sent message in WhatsApp (managers' edits and /delete of their Telegram replies go there). */
  changeSent?: (messageId: number, change: SentChange) => Promise<SentChangeResult | undefined>;
}

/** Knobs for tests: faster flood-control windows and retries. */
export interface TelegramOptions {
  /** Multiplies the throttler's intervals (default 1 = Telegram's limits). */
  timeScale?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  mediaWaitMs?: number;
}

export interface Telegram {
  bot: Bot;
  /** Channels and groups the bot is in; `listPostable()` feeds the instance form. */
  chats: ChatDirectory;
  /** Account links (deep links) and 2FA sign-in codes. */
  codes: CodeService;
  poster: Poster;
  notifier: Notifier;
  /**
   * Queues the notifications of newly stored incoming messages in the storing transaction (`ctx`: a subscriber of
   * messagesReceived) and wakes the poster once it has committed.
   */
  queueIncoming(ctx: EventContext, stored: StoredIncoming[]): Promise<void>;
  /** Starts long polling and the poster (resolves at once; polling restarts after failures). */
  start(): void;
  stop(): Promise<void>;
}

/** Everything Telegram, or null when TELEGRAM_BOT_TOKEN is not set (then no Telegram feature exists). */
export function createTelegram(deps: TelegramDeps, options: TelegramOptions = {}): Telegram | null {
  const { config, db, bus, outbox } = deps;
  if (!config.TELEGRAM_BOT_TOKEN) return null;
  const log = deps.log.child({ module: "telegram" });
  const bot = createApiBot(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT, options.timeScale);
  const posts = createPostStore(db);
  const chats = createChatDirectory(db);
  const poster = createPoster({
    db,
    api: bot.api,
    posts,
    log,
    dataDir: config.DATA_DIR,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    mediaWaitMs: options.mediaWaitMs,
  });
  const notifier = createNotifier({ db, bus, posts, log, defaultLocale: config.DEFAULT_LOCALE, queued: poster.kick });
  const codes = createCodeService({
    db,
    api: bot.api,
    botUsername: async () => {
      await bot.init();
      return bot.botInfo.username;
    },
    defaultLocale: config.DEFAULT_LOCALE,
  });
  const token = config.TELEGRAM_BOT_TOKEN;
  const fetchFile = deps.mediaStore
    ? (api: Api, file: ReplyFile) => fetchReplyFile(api, config.TELEGRAM_API_ROOT, token, deps.mediaStore!, file)
    : undefined;
  installFeatures(bot, {
    db,
    bus,
    log,
    outbox,
    posts,
    chats,
    codes,
    notifier,
    audit: deps.audit,
    defaultLocale: config.DEFAULT_LOCALE,
    queued: poster.kick,
    fetchFile,
    react: deps.react,
    changeSent: deps.changeSent,
  });

  let polling: Promise<void> | null = null;
  let stopped = false;

  async function poll(): Promise<void> {
    while (!stopped) {
      try {
        await bot.start({
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: (me) => log.info({ username: me.username }, "telegram bot polling"),
        });
      } catch (err) {
        if (stopped) return;
        log.error({ err }, "telegram polling stopped; restarting in 10 s");
      }
      for (let i = 0; i < 100 && !stopped; i++) await Bun.sleep(100);
    }
  }

  return {
    bot,
    chats,
    codes,
    poster,
    notifier,
    async queueIncoming(ctx, stored) {
      const tgChatIds = await notifier.queueMessages(ctx.db, stored);
      if (tgChatIds.length > 0) ctx.defer(() => poster.kick(tgChatIds));
    },
    start() {
      stopped = false;
      poster.start();
      polling ??= poll();
    },
    async stop() {
      stopped = true;
      if (bot.isRunning()) await bot.stop();
      await polling;
      polling = null;
      await poster.stop();
    },
  };
}
