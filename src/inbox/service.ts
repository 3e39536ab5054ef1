// The inbox service: chat lists, conversations and read markers, always scoped by the caller to visible instances.
import type { Db } from "../db/client.ts";
import { chatListQueries } from "./chat-list.ts";
import { messageQueries } from "./messages.ts";
import { readQueries } from "./reads.ts";

export type { ChatListItem } from "./chat-rows.ts";
export type { MessageView } from "./messages.ts";

export function createInboxService(db: Db) {
  return { ...chatListQueries(db), ...messageQueries(db), ...readQueries(db) };
}

export type InboxService = ReturnType<typeof createInboxService>;
