// Journal and service methods of the fake: chat history, last messages, getMessage, contact info, avatar, readChat.
import { z } from "zod";
import { contactsOf } from "./history.ts";
import { findMessage } from "./journal.ts";
import { badRequest, chatIdField, field, json, readJson, validate, type Ctx, type MethodDef } from "./respond.ts";
import type { JournalItem } from "./world.ts";
import { nowSeconds } from "./world.ts";

const chatOnly = z.object({ chatId: chatIdField });

function newestFirst(items: JournalItem[]): JournalItem[] {
  return [...items].reverse();
}

function lastMessages(type: "incoming" | "outgoing") {
  return (ctx: Ctx): Response => {
    const raw = ctx.url.searchParams.get("minutes");
    const minutes = raw === null ? 1440 : Number(raw);
    if (!Number.isInteger(minutes) || minutes < 1)
      return badRequest(ctx, "Validation failed. Details: 'minutes' must be a positive integer");
    const since = nowSeconds() - minutes * 60;
    return json(newestFirst(ctx.inst.journal.filter((m) => m.type === type && m.timestamp >= since)));
  };
}

export const journalMethods: Record<string, MethodDef> = {
  getChatHistory: {
    verb: "POST",
    needsPhone: true,
    handler: async (ctx) => {
      const body = validate(ctx, chatOnly.extend({ count: z.number().int().min(1).optional() }), await readJson(ctx));
      // No cursor: the newest `count` messages (default 100), newest first.
      const count = body.count ?? 100;
      const items = newestFirst(ctx.inst.journal.filter((m) => m.chatId === body.chatId)).slice(0, count);
      ctx.inst.historyAsks.push({ chatId: body.chatId, count, answered: items.length });
      return json(items);
    },
  },
  lastIncomingMessages: { verb: "GET", needsPhone: true, handler: lastMessages("incoming") },
  getContacts: { verb: "GET", needsPhone: true, handler: ({ inst }) => json(contactsOf(inst)) },
  lastOutgoingMessages: { verb: "GET", needsPhone: true, handler: lastMessages("outgoing") },
  getMessage: {
    verb: "POST",
    needsPhone: true,
    handler: async (ctx) => {
      const body = validate(ctx, chatOnly.extend({ idMessage: z.string(field("idMessage")) }), await readJson(ctx));
      const message = findMessage(ctx.inst, body.chatId, body.idMessage);
      return message ? json(message) : badRequest(ctx, "Message not found");
    },
  },
  getContactInfo: {
    verb: "POST",
    needsPhone: true,
    handler: async (ctx) => {
      const { chatId } = validate(ctx, chatOnly, await readJson(ctx));
      if (!chatId.endsWith("@c.us"))
        return badRequest(ctx, "Validation failed. Details: 'chatId' must be a personal chat 'phone_number@c.us'");
      return json({
        avatar: "",
        name: ctx.inst.contacts.get(chatId) ?? "",
        contactName: "",
        email: "",
        category: "",
        description: "",
        products: [],
        chatId,
        lastSeen: null,
        isArchive: false,
        isDisappearing: false,
        isMute: false,
        messageExpiration: 0,
        muteExpiration: null,
        isBusiness: false,
      });
    },
  },
  getAvatar: {
    verb: "POST",
    needsPhone: true,
    handler: async (ctx) => {
      validate(ctx, chatOnly, await readJson(ctx));
      return json({ urlAvatar: "", available: true });
    },
  },
  readChat: {
    verb: "POST",
    needsPhone: true,
    handler: async (ctx) => {
      const body = validate(ctx, chatOnly.extend({ idMessage: z.string().optional() }), await readJson(ctx));
      ctx.inst.readChats.add(body.chatId);
      return json({ setRead: true });
    },
  },
};
