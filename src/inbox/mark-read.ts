// Marking a chat read from the web (opening it, replying): the user's other tabs hear of it, WhatsApp per the policy.
import type { Context } from "hono";
import { EVENTS } from "../events/names.ts";
import type { ChatEnv, RouteChat } from "./chat-route.ts";

/**
 * Marks the chat read for the signed-in user; when that changed something, their other tabs are told (chatUpdated for
 * that user only). WhatsApp hears of it (readChat, blue ticks for the customer) per the instance's markReadPolicy.
 */
export async function markRead(
  // biome-ignore lint/suspicious/noExplicitAny: any route under the chat (its input validated by then)
  c: Context<ChatEnv, string, any>,
  chat: RouteChat,
  moment: "open" | "reply",
): Promise<void> {
  const { deps, user } = c.var;
  const hadUnread = await deps.inbox.moveReadMarker(user!.id, chat.id);
  if (hadUnread)
    deps.bus.publish({
      name: EVENTS.chatUpdated,
      instanceId: chat.instanceId,
      userId: user!.id,
      data: { chatId: chat.id },
    });
  if (!hadUnread && moment === "open") return;
  const policy = moment === "open" ? "onOpen" : "onReply";
  void (async () => {
    const instance = await deps.instances.getRow(chat.instanceId);
    if (instance?.markReadPolicy !== policy) return;
    // Several processes: the leader calls Green-API, so the method's rate limit holds (src/cluster/).
    if (!deps.cluster.isLeader()) return deps.cluster.wake("readChat", chat.instanceId, chat.id);
    await deps.gateway.call(
      instance,
      "readChat",
      "background",
      (client) => client.readChat({ chatId: chat.waChatId }),
      { maxAttempts: 1 },
    );
  })().catch((err) => c.var.log.warn({ chatId: chat.id, err: String(err) }, "readChat failed"));
}
