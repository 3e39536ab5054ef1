// Typed domain events of conversations, and the one way subscribers get them: inside the transaction that stored the
// change (effects that must commit with it), or after that commit (HandlerContext.defer, the intake's commit hook).
import type { HandlerContext } from "../greenapi/intake.ts";
import type { ChatRow } from "./chat-ids.ts";
import type { StoredIncoming } from "./store-incoming.ts";

/** Who did something in a conversation (a user of the app). */
export interface Actor {
  id: number;
  displayName: string;
}

/** Every event conversations publish, with its payload. */
export interface ConversationEvents {
  /**
   * New customer messages (not imported history), in order, and their chats as they were before this batch (the
   * sender's name beside each): team workflow and Telegram notifications subscribe within the transaction.
   */
  messagesReceived: { messages: StoredIncoming[]; chats: Array<ChatRow & { senderName: string | null }> };
  /** Group chats still without a name after a batch (their subject is asked of Green-API). */
  namelessGroups: { chatIds: number[] };
  /** Messages whose media waits for its download. */
  mediaPending: { messageIds: number[] };
  /** A private note was added to a chat. */
  noteAdded: { instanceId: number; chatId: number; messageId: number; author: Actor; text: string };
  /**
   * A chat got an assignee. `notice` is what the assignee is told, in their language (their pages show it, Telegram
   * sends it to their linked account); `by` is null for auto-assignment.
   */
  chatAssigned: { instanceId: number; chatId: number; assigneeId: number; by: Actor | null; notice: string };
}

export type ConversationEvent = keyof ConversationEvents;

/** Where an event is published: a transaction (or the database directly) and its after-commit hook. */
export type EventContext = HandlerContext;

export interface ConversationHooks {
  /**
   * Runs `handler` inside the transaction that stores the change, writing through `ctx.db` (a failure rolls the change
   * back; a crash loses both or neither). Handlers run in registration order: src/deps.ts orders them.
   */
  withinTransaction<K extends ConversationEvent>(
    name: K,
    handler: (ctx: EventContext, payload: ConversationEvents[K]) => Promise<void>,
  ): void;
  /** Runs `listener` after the commit (in memory: lost in a crash), in registration order. */
  afterCommit<K extends ConversationEvent>(name: K, listener: (payload: ConversationEvents[K]) => unknown): void;
  /** Publishes: the within-transaction handlers now (awaited, in order), the after-commit listeners through ctx.defer. */
  publish<K extends ConversationEvent>(ctx: EventContext, name: K, payload: ConversationEvents[K]): Promise<void>;
}

export function createConversationHooks(): ConversationHooks {
  type Within = (ctx: EventContext, payload: unknown) => Promise<void>;
  type After = (payload: unknown) => unknown;
  const within = new Map<ConversationEvent, Within[]>();
  const after = new Map<ConversationEvent, After[]>();
  return {
    withinTransaction(name, handler) {
      within.set(name, [...(within.get(name) ?? []), handler as Within]);
    },
    afterCommit(name, listener) {
      after.set(name, [...(after.get(name) ?? []), listener as After]);
    },
    async publish(ctx, name, payload) {
      for (const handler of within.get(name) ?? []) await handler(ctx, payload);
      for (const listener of after.get(name) ?? []) ctx.defer(() => listener(payload));
    },
  };
}

/** The context of work outside any transaction: writes go straight to `db`, effects run at once. */
export function directContext(db: HandlerContext["db"]): HandlerContext {
  return { db, inTransaction: false, defer: (effect) => void effect() };
}
