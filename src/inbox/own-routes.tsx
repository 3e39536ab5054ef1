// Edit and delete one's own sent messages; htmx swaps the bubble (inline editor, then the updated bubble).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { clientIp } from "../lib/client-ip.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { chatOfRoute, isHtmx, type RouteChat } from "./request.ts";
import { deleteOwnMessage, editOwnMessage, type ChangeResult } from "./own-messages.ts";
import { Bubble, EditBubble } from "../../views/chats/bubble.tsx";
import { chatBase, chatContext } from "../../views/chats/conversation.tsx";
import { uiFor } from "../../views/chats/format.ts";

type C = Context<AppEnv>;
const MESSAGE = `${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/messages/:messageId{[0-9]+}`;
const editForm = z.object({ text: z.string().trim().min(1).max(20_000) });

async function target(c: C) {
  const chat = await chatOfRoute(c);
  const messageId = Number(c.req.param("messageId"));
  const found = await c.var.deps.inbox.messageWithPrevious(messageId);
  if (!found || found.message.chatId !== chat.id) throw new HTTPException(404, { message: "no such message" });
  return {
    chat,
    message: found.message,
    ref: { instanceId: chat.instanceId, chatId: chat.id, waChatId: chat.waChatId, messageId, userId: c.var.user!.id },
  };
}

function reason(c: C, result: Exclude<ChangeResult, { ok: true }>): string {
  return "refusal" in result
    ? c.var.t(`inbox.change.${result.refusal}`)
    : c.var.t("inbox.change.failed", { reason: result.error });
}

/** The bubble as it now is (htmx), or back to the conversation; a refusal goes to the flash area, the bubble stays. */
async function bubble(c: C, chat: RouteChat, messageId: number, error?: { status: 409 | 502; text: string }) {
  if (error && !isHtmx(c)) throw new HTTPException(error.status, { message: error.text });
  if (error) {
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(
      <p class="flash flash-error" role="alert">
        {error.text}
      </p>,
      error.status,
    );
  }
  if (!isHtmx(c)) return c.redirect(chatBase(chat), 303);
  const found = await c.var.deps.inbox.messageWithPrevious(messageId);
  if (!found) throw new HTTPException(404, { message: "no such message" });
  const ui = uiFor(c);
  return c.html(<Bubble ui={ui} m={found.message} chat={chatContext(ui, chat)} />);
}

/** Audits an edit or delete that went through (ids only, never the text). */
async function audit(
  c: C,
  action: "message.edited" | "message.deleted",
  chat: RouteChat,
  messageId: number,
): Promise<void> {
  const user = c.var.user!;
  await c.var.deps.audit.record({
    action,
    userId: user.id,
    actor: user.username,
    ip: clientIp(c),
    target: `message:${messageId}`,
    details: { instanceId: chat.instanceId, chatId: chat.id },
  });
}

const statusOf = (result: Exclude<ChangeResult, { ok: true }>) => ("refusal" in result ? 409 : 502) as 409 | 502;

export const ownMessageRoutes = new Hono<AppEnv>()
  // One bubble (the editor's Cancel puts it back).
  .get(MESSAGE, async (c) => {
    const { chat, message } = await target(c);
    return bubble(c, chat, message.id);
  })

  .get(`${MESSAGE}/edit`, async (c) => {
    const { message } = await target(c);
    return c.html(<EditBubble ui={uiFor(c)} m={message} />);
  })

  .post(`${MESSAGE}/edit`, async (c) => {
    const { chat, message, ref } = await target(c);
    const form = editForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(<EditBubble ui={uiFor(c)} m={message} error={c.var.t("inbox.emptyText")} />, 400);
    const result = await editOwnMessage(c.var.deps, ref, form.data.text);
    if (!result) throw new HTTPException(404, { message: "no such message" });
    if (result.ok) {
      await audit(c, "message.edited", chat, message.id);
      return bubble(c, chat, message.id);
    }
    c.var.log.info({ messageId: message.id, result }, "edit refused");
    if (!isHtmx(c)) return bubble(c, chat, message.id, { status: statusOf(result), text: reason(c, result) });
    return c.html(<EditBubble ui={uiFor(c)} m={message} error={reason(c, result)} />, statusOf(result));
  })

  .post(`${MESSAGE}/delete`, async (c) => {
    const { chat, message, ref } = await target(c);
    const result = await deleteOwnMessage(c.var.deps, ref);
    if (!result) throw new HTTPException(404, { message: "no such message" });
    if (result.ok) {
      await audit(c, "message.deleted", chat, message.id);
      return bubble(c, chat, message.id);
    }
    c.var.log.info({ messageId: message.id, result }, "delete refused");
    return bubble(c, chat, message.id, { status: statusOf(result), text: reason(c, result) });
  });
