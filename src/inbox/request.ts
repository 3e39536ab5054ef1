// Helpers of the inbox routes: the chat named in the URL, which part of the page htmx asked for, marking chats read.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/context.ts";
import { EVENTS } from "../events/names.ts";

type C = Context<AppEnv>;
export type RouteChat = NonNullable<Awaited<ReturnType<AppEnv["Variables"]["deps"]["inbox"]["getChat"]>>>;

/** The chat of `:chatId` inside the gated instance; 404 when it belongs to another instance or does not exist. */
export async function chatOfRoute(c: C): Promise<RouteChat> {
  const chat = await c.var.deps.inbox.getChat(c.var.instanceId, Number(c.req.param("chatId")));
  if (!chat) throw new HTTPException(404, { message: "no such chat" });
  return chat;
}

/** The id of the element an htmx request will swap (`chat-pane`, `chat-results`…); undefined for whole pages. */
export function htmxTarget(c: C): string | undefined {
  if (!c.req.header("hx-request") || c.req.header("hx-history-restore-request")) return undefined;
  return c.req.header("hx-target");
}

export function isHtmx(c: C): boolean {
  return c.req.header("hx-request") === "true";
}

/**
 * Marks the chat read for the signed-in user; when that changed something, their other tabs are told (chatUpdated for
 * that user only). WhatsApp hears of it (readChat, blue ticks for the customer) per the instance's markReadPolicy.
 */
export async function markRead(c: C, chat: RouteChat, moment: "open" | "reply"): Promise<void> {
  const { deps, user } = c.var;
  const hadUnread = await deps.inbox.markRead(user!.id, chat.id);
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
