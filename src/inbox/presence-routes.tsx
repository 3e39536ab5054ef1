// "Who is viewing": the open conversation pings every VIEWING_PING_MS and gets back the colleagues who have it open too.
import { Hono } from "hono";
import type { AppEnv } from "../lib/context.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { chatOfRoute } from "./request.ts";
import { Viewers } from "../../views/chats/viewers.tsx";

export const presenceRoutes = new Hono<AppEnv>().post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/viewing`, async (c) => {
  const chat = await chatOfRoute(c);
  const user = c.var.user!;
  const { presence } = c.var.deps;
  presence.viewing(chat.instanceId, chat.id, { userId: user.id, name: user.displayName });
  return c.html(<Viewers t={c.var.t} viewers={presence.others(chat.id, user.id)} />);
});
