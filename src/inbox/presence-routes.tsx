// "Who is viewing": the open conversation pings every VIEWING_PING_MS and gets back the colleagues who have it open too.
import { Hono } from "hono";
import { instanceGate } from "../auth/instance-gate.ts";
import { chatOfUrl, type ChatEnv } from "./chat-route.ts";
import { Viewers } from "../../views/chats/viewers.tsx";

/** `POST /instances/:instanceId/chats/:chatId/viewing`. */
export const presenceRoutes = new Hono<ChatEnv>()
  .use(instanceGate())
  .use(...chatOfUrl())
  .post("/viewing", async (c) => {
    const { chat } = c.var;
    const user = c.var.user!;
    const { presence } = c.var.deps;
    presence.viewing(chat.instanceId, chat.id, { userId: user.id, name: user.displayName });
    return c.html(<Viewers t={c.var.t} viewers={presence.others(chat.id, user.id)} />);
  });
