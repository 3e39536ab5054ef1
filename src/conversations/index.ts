// The conversations capability's public API: the only writer of chats, messages and reactions (other folders call this).
export { createOutbox, type Outbox } from "./outbox.ts";
export { registerStatusHandler } from "./outbox-status.ts";
export { registerIngestHandlers, type Ingest } from "./ingest.ts";
export type { StoredIncoming } from "./store-incoming.ts";
export {
  createConversationHooks,
  directContext,
  type ConversationEvents,
  type ConversationHooks,
  type EventContext,
} from "./events.ts";
export { createGroupSubjects } from "./group-subjects.ts";
export { linkStartedChat, recipientOf } from "./chat-ids.ts";
export { markMediaForRetry, mediaPending, recordMediaOutcome } from "./media-state.ts";
export { react, type ReactInput, type ReactResult } from "./reactions.ts";
export { changeSentMessage, type SentChange, type SentChangeResult } from "./sent-changes.ts";
export { requeueFailedSend } from "./resend.ts";
export {
  assignChat,
  assignOwnerlessChats,
  claimAutoReplies,
  claimUnassignedChat,
  setChatStatus,
} from "./chat-state.ts";
export { writeNote, writeSystemLine } from "./system-lines.ts";
