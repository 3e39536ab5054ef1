// Reading methods of the fake: getMe, deleteWebhook, getChat, getChatAdministrators, getChatMember, getFile.
import { z } from "zod";
import { findChat } from "./chats.ts";
import { getFile } from "./files.ts";
import type { MethodDef } from "./methods-send.ts";
import { badRequest, bool, chatIdParam, int, parse } from "./params.ts";

export const infoMethods: Record<string, MethodDef> = {
  getMe: { handler: (world) => world.botInfo },

  deleteWebhook: {
    handler(world, { values }) {
      const p = parse(z.object({ drop_pending_updates: bool.optional() }), values);
      if (p.drop_pending_updates) world.updates.length = 0;
      return true;
    },
  },

  getChat: {
    handler(world, { values }) {
      const { chat_id } = parse(z.object({ chat_id: chatIdParam }), values);
      const c = findChat(world, chat_id);
      if (c.chat.type !== "private" && (c.bot.status === "left" || c.bot.status === "kicked"))
        throw badRequest("chat not found");
      return {
        ...c.chat,
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: {
          unlimited_gifts: false,
          limited_gifts: false,
          unique_gifts: false,
          premium_subscription: false,
          gifts_from_channels: false,
        },
      };
    },
  },

  getChatAdministrators: {
    handler(world, { values }) {
      const { chat_id } = parse(z.object({ chat_id: chatIdParam }), values);
      const c = findChat(world, chat_id);
      if (c.chat.type === "private") throw badRequest("there are no administrators in the private chat");
      const everyone = [...c.members.values(), c.bot];
      return everyone.filter((m) => m.status === "creator" || m.status === "administrator");
    },
  },

  getChatMember: {
    handler(world, { values }) {
      const p = parse(z.object({ chat_id: chatIdParam, user_id: int }), values);
      const c = findChat(world, p.chat_id);
      if (p.user_id === world.botInfo.id) return c.bot;
      const member = c.members.get(p.user_id);
      if (member) return member;
      const user = world.users.get(p.user_id);
      if (!user) throw badRequest("PARTICIPANT_ID_INVALID");
      return { status: "left", user };
    },
  },

  getFile: {
    handler(world, { values }) {
      const { file_id } = parse(z.object({ file_id: z.string().min(1) }), values);
      return getFile(world, file_id);
    },
  },
};
