// Inbox pages: chats across the user's numbers, and one number's chats (behind the instance gate).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/context.ts";
import { flash } from "../auth/cookies.ts";
import { randomToken } from "../auth/tokens.ts";
import { newChatForm, sendTextForm } from "./send.ts";
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
  })

  // Send into an existing chat.
  .post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/messages`, async (c) => {
    const form = sendTextForm.safeParse(await c.req.parseBody());
    if (!form.success) throw new HTTPException(400, { message: form.error.issues.map((i) => i.message).join("; ") });
    const chat = await c.var.deps.inbox.getChat(c.var.instanceId, Number(c.req.param("chatId")));
    if (!chat) throw new HTTPException(404, { message: "no such chat" });
    return queued(c, await enqueue(c, chat.waChatId, form.data));
  })

  // Start a conversation with a number.
  .post(`${INSTANCE_SCOPE}/messages`, async (c) => {
    const form = newChatForm.safeParse(await c.req.parseBody());
    if (!form.success) throw new HTTPException(400, { message: form.error.issues.map((i) => i.message).join("; ") });
    return queued(c, await enqueue(c, form.data.to, form.data));
  });

function enqueue(c: Context<AppEnv>, waChatId: string, form: { text: string; key?: string; quoted?: string }) {
  const user = c.var.user!;
  return c.var.deps.outbox.enqueue({
    instanceId: c.var.instanceId,
    waChatId,
    text: form.text,
    quotedIdMessage: form.quoted,
    senderUserId: user.id,
    senderName: user.displayName,
    via: "web",
    idempotencyKey: `web:${user.id}:${form.key ?? randomToken()}`,
  });
}

/** JSON for API clients, otherwise back to the chat list with a confirmation. */
function queued(c: Context<AppEnv>, result: { id: number; chatId: number; created: boolean }) {
  if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
  flash(c, "ok", c.var.t("chats.queued"));
  return c.redirect(`/instances/${c.var.instanceId}/chats`, 303);
}
