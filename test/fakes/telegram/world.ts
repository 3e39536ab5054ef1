// State of the fake Telegram Bot API: the bot, users, chats with their messages, stored files, pending updates, faults.
import type { Chat, ChatMember, InlineKeyboardMarkup, Message, Update, User, UserFromGetMe } from "grammy/types";
import { createLimiter, DEFAULT_LIMITS, type Limiter, type Limits } from "./limiter.ts";

export interface FakeTelegramOptions {
  port?: number;
  hostname?: string;
  /** Bot token (default a fresh `<id>:<secret>`). */
  token?: string;
  username?: string;
  /** Enforce flood limits with 429 (default true). */
  rateLimits?: boolean;
  /** Multiplies every limit window (tests use e.g. 0.05 to run bursts 20× faster). */
  timeScale?: number;
  limits?: Partial<Limits>;
}

export interface FakeChat {
  chat: Chat & { linked_chat_id?: number };
  /** The bot's own membership (status and rights). */
  bot: ChatMember;
  members: Map<number, ChatMember>;
  messages: Map<number, Message>;
  nextMessageId: number;
  /** Private chats: the user pressed START and did not block the bot. */
  started?: boolean;
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  bytes: Uint8Array;
  mimeType: string;
  fileName?: string;
  filePath: string;
}

/** A message the bot sent, as tests read it. */
export interface SentRecord {
  method: string;
  chatId: number;
  messageId: number;
  text?: string;
  caption?: string;
  entities?: unknown[];
  parseMode?: string;
  /** message_id this one replies to (when the target exists). */
  replyTo?: number;
  threadId?: number;
  file?: { kind: string; fileId: string; fileName?: string; mimeType: string; size: number; uploaded: boolean };
  /** The inline keyboard sent with the message. */
  replyMarkup?: InlineKeyboardMarkup;
  at: number;
}

/** An editMessageText the bot made, as tests read it. */
export interface EditRecord {
  chatId: number;
  messageId: number;
  text: string;
  /** The keyboard after the edit (absent: the edit removed it). */
  replyMarkup?: InlineKeyboardMarkup;
  at: number;
}

/** The bot's answer to a button press. */
export interface CallbackAnswerRecord {
  queryId: string;
  text?: string;
  showAlert?: boolean;
  at: number;
}

export interface ReactionRecord {
  chatId: number;
  messageId: number;
  emojis: string[];
  at: number;
}

export interface Faults {
  /** The next N API calls answer 500 (JSON envelope). */
  next500: number;
  /** Until this time every call answers 502 with an HTML body (an outage in front of the API). */
  downUntil: number;
  /** The next N connections are reset without an answer. */
  dropNext: number;
  latencyMs: number;
}

export interface RequestRecord {
  method: string;
  status: number;
  at: number;
}

export interface World {
  token: string;
  botInfo: UserFromGetMe;
  users: Map<number, User>;
  chats: Map<number, FakeChat>;
  files: Map<string, StoredFile>;
  updates: Update[];
  nextUpdateId: number;
  /** What the last getUpdates asked for; [] = default set. */
  allowedUpdates: string[];
  /** Wakes the pending long poll (new update, conflict, stop). */
  poll: { wake: () => void; conflict: () => void } | null;
  sent: SentRecord[];
  edits: EditRecord[];
  /** Button presses (callback_query ids) not answered yet. */
  openQueries: Set<string>;
  callbackAnswers: CallbackAnswerRecord[];
  reactions: ReactionRecord[];
  requests: RequestRecord[];
  faults: Faults;
  rateLimits: boolean;
  limiter: Limiter;
  stopped: boolean;
  nextFileNo: number;
}

export function createWorld(options: FakeTelegramOptions): World {
  const botId = 7000000000 + Math.floor(Math.random() * 99_999_999);
  const token = options.token ?? `${botId}:AAH${crypto.randomUUID().replaceAll("-", "").slice(0, 32)}`;
  const username = options.username ?? "green_inbox_test_bot";
  return {
    token,
    botInfo: {
      id: Number(token.split(":")[0]),
      is_bot: true,
      first_name: "GreenInbox",
      username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    } as UserFromGetMe,
    users: new Map(),
    chats: new Map(),
    files: new Map(),
    updates: [],
    nextUpdateId: 500_000_001,
    allowedUpdates: [],
    poll: null,
    sent: [],
    edits: [],
    openQueries: new Set(),
    callbackAnswers: [],
    reactions: [],
    requests: [],
    faults: { next500: 0, downUntil: 0, dropNext: 0, latencyMs: 0 },
    rateLimits: options.rateLimits ?? true,
    limiter: createLimiter({ ...DEFAULT_LIMITS, ...options.limits }, options.timeScale ?? 1),
    stopped: false,
    nextFileNo: 1,
  };
}

/** The bot as a User (for `from` of its messages). */
export function botUser(world: World): User {
  const { id, is_bot, first_name, username } = world.botInfo;
  return { id, is_bot, first_name, username };
}

/** Queues an update and wakes the long poll. */
export function pushUpdate(world: World, body: Record<string, unknown>): Update {
  const update = { update_id: world.nextUpdateId++, ...body } as Update;
  world.updates.push(update);
  world.poll?.wake();
  return update;
}

/** Stores a message in its chat under the next id of that chat. */
export function storeMessage(chat: FakeChat, body: Omit<Message, "message_id" | "date" | "chat">): Message {
  const message = {
    message_id: chat.nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: chat.chat,
    ...body,
  } as Message;
  chat.messages.set(message.message_id, message);
  return message;
}

/** A message as it appears inside `reply_to_message` (never nested further). */
export function shallow(message: Message): Message {
  const { reply_to_message: _nested, ...rest } = message as Message & { reply_to_message?: unknown };
  return rest as Message;
}

export function randomFileId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return prefix + Buffer.from(bytes).toString("base64url");
}
