// Sending from the web: text (optionally a reply), files, resending failures, and read markers; htmx gets fragments.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../lib/context.ts";
import type { MessageKey, Params } from "../lib/i18n.ts";
import { flash } from "../auth/cookies.ts";
import { randomToken } from "../auth/tokens.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { EVENTS } from "../events/names.ts";
import { newChatForm, sendFileForm, sendTextForm } from "./send.ts";
import { linkStartedChat, recipientOf } from "./chat-ids.ts";
import { MAX_MEDIA_BYTES } from "./media-store.ts";
import { chatOfRoute, isHtmx, markRead, type RouteChat } from "./request.ts";
import { Bubbles, Bubble } from "../../views/chats/bubble.tsx";
import { chatBase, chatContext } from "../../views/chats/conversation.tsx";
import { dayKey, uiFor } from "../../views/chats/format.ts";

type C = Context<AppEnv>;
type Queued = { id: number; chatId: number; created: boolean };

/** A refusal the user can act on, in their language: next to the form for htmx (`target`), else an error page. */
function refuse(
  c: C,
  key: MessageKey,
  status: ContentfulStatusCode,
  target = "#flash",
  params?: Params,
): Response | Promise<Response> {
  if (!isHtmx(c)) throw new HTTPException(status, { message: key });
  c.header("HX-Retarget", target);
  c.header("HX-Reswap", "innerHTML");
  const text = c.var.t(key, params);
  return c.html(
    target === "#flash" ? (
      <p class="flash flash-error" role="alert">
        {text}
      </p>
    ) : (
      <>{text}</>
    ),
    status,
  );
}

/** Who sends from the web, and the idempotency key (a retried post with the same key sends once). */
function sender(c: C, form: { key?: string; quoted?: string }) {
  const user = c.var.user!;
  return {
    instanceId: c.var.instanceId,
    quotedIdMessage: form.quoted,
    senderUserId: user.id,
    senderName: user.displayName,
    via: "web" as const,
    idempotencyKey: `web:${user.id}:${form.key ?? randomToken()}`,
  };
}

function enqueue(c: C, waChatId: string, form: { text: string; key?: string; quoted?: string }) {
  return c.var.deps.outbox.enqueue({ ...sender(c, form), waChatId, text: form.text });
}

/** The new bubble (with a day separator when it starts a day) for htmx; JSON for API clients; else the conversation. */
async function answer(c: C, chat: RouteChat, result: Queued): Promise<Response> {
  if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
  if (!isHtmx(c)) {
    flash(c, "ok", c.var.t("chats.queued"));
    return c.redirect(chatBase(chat), 303);
  }
  const ui = uiFor(c);
  const found = await c.var.deps.inbox.messageWithPrevious(result.id);
  if (!found) throw new HTTPException(404, { message: "message gone" });
  const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
  return c.html(<Bubbles ui={ui} messages={[found.message]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
}

export const sendRoutes = new Hono<AppEnv>()
  // Send into an existing chat (a reply when `quoted` is set); the key makes a retried post send once.
  .post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/messages`, async (c) => {
    const chat = await chatOfRoute(c);
    const form = sendTextForm.safeParse(await c.req.parseBody());
    if (!form.success) return refuse(c, "inbox.emptyText", 400);
    const result = await enqueue(c, chat.waChatId, form.data);
    await markRead(c, chat, "reply");
    return answer(c, chat, result);
  })

  // Start a conversation with a number; htmx then opens it in the conversation pane.
  .post(`${INSTANCE_SCOPE}/messages`, async (c) => {
    const form = newChatForm.safeParse(await c.req.parseBody());
    if (!form.success)
      return refuse(
        c,
        form.error.issues.some((i) => i.path[0] === "to") ? "inbox.newChat.invalid" : "inbox.emptyText",
        400,
      );
    const { deps } = c.var;
    // The person's chat under their other id (LID mode) when there is one; a new chat learns that id in the background.
    const result = await enqueue(c, await recipientOf(deps.db, c.var.instanceId, form.data.to), form.data);
    if (result.created)
      void linkStartedChat(
        { db: deps.db, gateway: deps.gateway, log: deps.log, loadInstance: (id) => deps.instances.getRow(id) },
        result.chatId,
      );
    const url = `/instances/${c.var.instanceId}/chats/${result.chatId}`;
    if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
    if (!isHtmx(c)) return c.redirect(url, 303);
    c.header("HX-Location", JSON.stringify({ path: url, target: "#chat-pane", swap: "outerHTML" }));
    return c.body(null, 200);
  })

  // Files (image, video, audio, document) through sendFileByUpload.
  .post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/files`, async (c) => {
    const chat = await chatOfRoute(c);
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return refuse(c, "inbox.fileMissing", 400, "#attach-error");
    if (file.size > MAX_MEDIA_BYTES)
      return refuse(c, "inbox.fileTooLarge", 413, "#attach-error", { mb: MAX_MEDIA_BYTES / 1024 / 1024 });
    const form = sendFileForm.safeParse({
      caption: body.caption || undefined,
      key: body.key || undefined,
      quoted: body.quoted || undefined,
    });
    if (!form.success) return refuse(c, "error.400.hint", 400, "#attach-error");
    const meta = { fileName: file.name || "file", mimeType: file.type || "application/octet-stream" };
    const stored = await c.var.deps.media.store.store(file, meta);
    const result = await c.var.deps.outbox.enqueue({
      ...sender(c, form.data),
      waChatId: chat.waChatId,
      file: { ...stored, ...meta },
      caption: form.data.caption,
    });
    await markRead(c, chat, "reply");
    return answer(c, chat, result);
  })

  // Put a failed send back in the outbox.
  .post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/messages/:messageId{[0-9]+}/resend`, async (c) => {
    const chat = await chatOfRoute(c);
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

  // The open conversation was seen (new messages arrived while it was on screen).
  .post(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/read`, async (c) => {
    await markRead(c, await chatOfRoute(c), "open");
    return c.body(null, 204);
  });
