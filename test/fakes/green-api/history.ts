// Chat history of the fake: seeding journals with old conversations (traffic from before the app) and the contact list.
import { z } from "zod";
import { record } from "./journal.ts";
import type { FakeInstance } from "./world.ts";
import { hexId, nowSeconds } from "./world.ts";

export const seedHistorySchema = z.object({
  chats: z.number().int().min(1).max(10_000),
  /** Up to 20 000: more than the app's per-chat cap (src/instances/history/paging.ts). */
  messagesPerChat: z.number().int().min(1).max(20_000),
  /** Unix seconds of the newest seeded message (default: a day ago). */
  endTimestamp: z.number().int().optional(),
  /** First 7 digits of the seeded personal chat ids (default 7955). */
  prefix: z
    .string()
    .regex(/^\d{1,7}$/)
    .default("7955"),
});
export type SeedHistoryInput = z.input<typeof seedHistorySchema>;

/**
 * Writes `chats` × `messagesPerChat` text messages into the journal, alternating incoming (from the customer) and
 * outgoing (from the phone), one minute apart, without notifications: it is history that predates the app.
 * Text is "chat <n> message <m>"; returns the chat ids.
 */
export function seedHistory(inst: FakeInstance, input: SeedHistoryInput): { chatIds: string[] } {
  const o = seedHistorySchema.parse(input);
  const end = o.endTimestamp ?? nowSeconds() - 86_400;
  const chatIds: string[] = [];
  for (let n = 0; n < o.chats; n++) {
    const chatId = `${o.prefix}${String(n).padStart(14 - o.prefix.length, "0")}@c.us`;
    const name = `Customer ${n}`;
    inst.contacts.set(chatId, name);
    chatIds.push(chatId);
    for (let m = 0; m < o.messagesPerChat; m++) {
      const timestamp = end - (o.messagesPerChat - 1 - m) * 60 - (o.chats - 1 - n);
      const base = {
        idMessage: "",
        timestamp,
        typeMessage: "textMessage",
        chatId,
        textMessage: `chat ${n} message ${m}`,
      };
      if (m % 2 === 0)
        record(inst, {
          ...base,
          type: "incoming",
          idMessage: hexId(32),
          senderId: chatId,
          senderName: name,
          senderContactName: "",
        });
      else
        record(inst, {
          ...base,
          type: "outgoing",
          idMessage: `3EB0${hexId(16)}`,
          statusMessage: "read",
          sendByApi: false,
        });
    }
  }
  // Journals are kept oldest first.
  inst.journal.sort((a, b) => a.timestamp - b.timestamp);
  return { chatIds };
}

/** getContacts: the phone's address book and groups, here everyone the journal or a message introduced. */
export function contactsOf(
  inst: FakeInstance,
): Array<{ id: string; name: string; contactName: string; type: "user" | "group" }> {
  const ids = new Set<string>([...inst.contacts.keys(), ...inst.journal.map((m) => m.chatId)]);
  return [...ids].map((id) => ({
    id,
    name: inst.contacts.get(id) ?? "",
    contactName: "",
    type: id.endsWith("@g.us") ? "group" : "user",
  }));
}
