// One message of a chat: its bubble, resending a failed send, editing and deleting one's own, reacting (htmx swaps the bubble).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { clientIp } from "../lib/client-ip.ts";
import { isHtmx } from "../lib/htmx.ts";
import { failWith, ID_MAX } from "../lib/validate.ts";
import { answerInvalid } from "../lib/validate-page.ts";
import { instanceGate } from "../auth/instance-gate.ts";
import { EVENTS } from "../events/names.ts";
import { changeSentMessage, react, type SentChangeResult } from "../conversations/index.ts";
import { QUICK_REACTIONS } from "../lib/reactions.ts";
import { chatOfUrl, type ChatEnv, type RouteChat } from "./chat-route.ts";
import { Bubble, EditBubble } from "../../views/chats/bubble.tsx";
import { chatBase, chatContext } from "../../views/chats/conversation.tsx";
import { uiFor } from "../../views/chats/format.ts";

// biome-ignore lint/suspicious/noExplicitAny: any route of this sub-app (inputs validated by then)
type C = Context<ChatEnv, string, any>;
const messageParam = z.object({ messageId: z.coerce.number().int().positive().max(ID_MAX) });
const editForm = z.object({ text: z.string().trim().min(1).max(20_000) });
/** One of the quick reactions, or empty to take one's reaction back. */
const reactForm = z.object({ emoji: z.union([z.enum(QUICK_REACTIONS), z.literal("")]) });

/** The message of the URL, in the chat of the URL (404 otherwise), and what the change services need to know. */
async function target(c: C) {
  const { chat } = c.var;
  const messageId = Number(c.req.param("messageId"));
  const found = await c.var.deps.inbox.messageWithPrevious(messageId);
  if (!found || found.message.chatId !== chat.id) throw new HTTPException(404, { message: "no such message" });
  return {
    chat,
    message: found.message,
    ref: { messageId, chat: { id: chat.id, instanceId: chat.instanceId }, userId: c.var.user!.id },
  };
}

/** What the conversation's change services (sent changes, reactions) work with. */
function changeDeps(c: C) {
  const { deps } = c.var;
  return {
    db: deps.db,
    bus: deps.bus,
    gateway: deps.gateway,
    log: c.var.log,
    loadInstance: (id: number) => deps.instances.getRow(id),
  };
}

function reason(c: C, result: Exclude<SentChangeResult, { ok: true }>): string {
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

const statusOf = (result: Exclude<SentChangeResult, { ok: true }>) => ("refusal" in result ? 409 : 502) as 409 | 502;

/** `/instances/:instanceId/chats/:chatId/messages/:messageId/…`: the bubble, resend, and one's own edit and delete. */
export const messageRoutes = new Hono<ChatEnv>()
  .use(instanceGate())
  .use(...chatOfUrl())
  .use(zValidator("param", messageParam, failWith(404, "no such message")))
  // One bubble (the editor's Cancel puts it back).
  .get("/", async (c) => {
    const { chat, message } = await target(c);
    return bubble(c, chat, message.id);
  })

  // Put a failed send back in the outbox.
  .post("/resend", async (c) => {
    const { chat } = c.var;
    const messageId = Number(c.req.param("messageId"));
    if (await c.var.deps.inbox.resend(chat.id, messageId)) {
      c.var.deps.bus.publish({
        name: EVENTS.messageUpdated,
        instanceId: chat.instanceId,
        data: { messageId, chatId: chat.id, status: "queued" },
      });
    }
    const found = await c.var.deps.inbox.messageWithPrevious(messageId);
    if (!found || found.message.chatId !== chat.id) throw new HTTPException(404, { message: "no such message" });
    if (!isHtmx(c)) return c.redirect(chatBase(chat), 303);
    const ui = uiFor(c);
    return c.html(<Bubble ui={ui} m={found.message} chat={chatContext(ui, chat)} />);
  })

  .get("/edit", async (c) => {
    const { message } = await target(c);
    return c.html(<EditBubble ui={uiFor(c)} m={message} />);
  })

  .post(
    "/edit",
    zValidator(
      "form",
      editForm,
      answerInvalid<ChatEnv>(async (c) => {
        const { message } = await target(c);
        return c.html(<EditBubble ui={uiFor(c)} m={message} error={c.var.t("inbox.emptyText")} />, 400);
      }),
    ),
    async (c) => {
      const { chat, message, ref } = await target(c);
      const result = await changeSentMessage(changeDeps(c), ref, { kind: "edit", text: c.req.valid("form").text });
      if (!result) throw new HTTPException(404, { message: "no such message" });
      if (result.ok) {
        await audit(c, "message.edited", chat, message.id);
        return bubble(c, chat, message.id);
      }
      c.var.log.info({ messageId: message.id, result }, "edit refused");
      if (!isHtmx(c)) return bubble(c, chat, message.id, { status: statusOf(result), text: reason(c, result) });
      return c.html(<EditBubble ui={uiFor(c)} m={message} error={reason(c, result)} />, statusOf(result));
    },
  )

  // React as the number (one of the quick reactions; empty takes the reaction back): sent to WhatsApp, then shown.
  .post("/react", zValidator("form", reactForm, failWith(400, "no such reaction")), async (c) => {
    const { chat, message } = await target(c);
    const emoji = c.req.valid("form").emoji || null;
    const result = await react(changeDeps(c), {
      instanceId: chat.instanceId,
      chatId: chat.id,
      messageId: message.id,
      emoji,
      actor: { userId: c.var.user!.id, via: "web" },
    });
    if (!result) throw new HTTPException(404, { message: "no such message" });
    if (!result.ok)
      return bubble(c, chat, message.id, { status: 502, text: c.var.t("inbox.reactFailed", { reason: result.error }) });
    return bubble(c, chat, message.id);
  })

  .post("/delete", async (c) => {
    const { chat, message, ref } = await target(c);
    const result = await changeSentMessage(changeDeps(c), ref, { kind: "delete" });
    if (!result) throw new HTTPException(404, { message: "no such message" });
    if (result.ok) {
      await audit(c, "message.deleted", chat, message.id);
      return bubble(c, chat, message.id);
    }
    c.var.log.info({ messageId: message.id, result }, "delete refused");
    return bubble(c, chat, message.id, { status: statusOf(result), text: reason(c, result) });
  });
