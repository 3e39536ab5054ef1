// Inbox pages: chats across the user's numbers, and one number's chats (behind the instance gate).
import { Hono } from "hono";
import type { AppEnv } from "../lib/context.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { ChatsPage } from "../../views/chats/list.tsx";

export const inboxRoutes = new Hono<AppEnv>()
  .get("/chats", async (c) => {
    const chats = await c.var.deps.inbox.listChats(c.var.user!);
    return c.render(<ChatsPage chats={chats} title={c.var.t("chats.title")} />, { title: c.var.t("chats.title") });
  })

  .get(`${INSTANCE_SCOPE}/chats`, async (c) => {
    const chats = await c.var.deps.inbox.listChats(c.var.user!, { instanceId: c.var.instanceId });
    return c.render(<ChatsPage chats={chats} title={c.var.t("chats.title")} />, { title: c.var.t("chats.title") });
  });
