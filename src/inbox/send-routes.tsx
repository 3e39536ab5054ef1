// Sending from the web: text (optionally a reply), files, and read markers; htmx gets fragments.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { zValidator } from "@hono/zod-validator";
import type { AppEnv } from "../env.ts";
import type { MessageKey, Params } from "../lib/i18n.ts";
import { answerInvalid } from "../lib/validate-page.ts";
import { isHtmx } from "../lib/htmx.ts";
import { flash } from "../auth/cookies.ts";
import { randomToken } from "../auth/tokens.ts";
import { instanceGate } from "../auth/instance-gate.ts";
import { newChatForm, sendFileUpload, sendTextForm } from "./send.ts";
import { linkStartedChat, recipientOf } from "../conversations/index.ts";
import { MAX_MEDIA_BYTES } from "./media-store.ts";
import { markRead } from "./mark-read.ts";
import { fileToSend } from "./voice.ts";
import { appContext, chatOfUrl, type ChatEnv, type RouteChat } from "./chat-route.ts";
import { Bubbles } from "../../views/chats/bubble.tsx";
import { chatBase, chatContext } from "../../views/chats/conversation.tsx";
import { dayKey, uiFor } from "../../views/chats/format.ts";

// biome-ignore lint/suspicious/noExplicitAny: any route's context (their inputs are validated by then)
type C<E extends AppEnv = AppEnv> = Context<E, string, any>;
type Queued = { id: number; chatId: number; created: boolean };

/** A refusal the user can act on, in their language: next to the form for htmx (`target`), else an error page. */
function refuse<E extends AppEnv>(
  c: C<E>,
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
      // biome-ignore lint/complexity/noUselessFragments: the fragment escapes the text (a bare string would be raw HTML)
      <>{text}</>
    ),
    status,
  );
}

/** Who sends from the web, and the idempotency key (a retried post with the same key sends once). */
function sender<E extends AppEnv>(c: C<E>, form: { key?: string; quoted?: string }) {
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

function enqueue<E extends AppEnv>(c: C<E>, waChatId: string, form: { text: string; key?: string; quoted?: string }) {
  return c.var.deps.outbox.enqueue({ ...sender(c, form), waChatId, text: form.text });
}

/** The new bubble (with a day separator when it starts a day) for htmx; JSON for API clients; else the conversation. */
async function answer(c: C<ChatEnv>, chat: RouteChat, result: Queued): Promise<Response> {
  if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
  if (!isHtmx(c)) {
    flash(appContext(c), "ok", c.var.t("chats.queued"));
    return c.redirect(chatBase(chat), 303);
  }
  const ui = uiFor(c);
  const found = await c.var.deps.inbox.messageWithPrevious(result.id);
  if (!found) throw new HTTPException(404, { message: "message gone" });
  const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
  return c.html(<Bubbles ui={ui} messages={[found.message]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
}

/** `/instances/:instanceId/chats/:chatId/…`: sending into a chat, read markers. */
export const sendRoutes = new Hono<ChatEnv>()
  .use(instanceGate())
  .use(...chatOfUrl())
  // Send into the chat (a reply when `quoted` is set); the key makes a retried post send once.
  .post(
    "/messages",
    zValidator(
      "form",
      sendTextForm,
      answerInvalid<ChatEnv>((c) => refuse(c, "inbox.emptyText", 400)),
    ),
    async (c) => {
      const { chat } = c.var;
      const result = await enqueue(c, chat.waChatId, c.req.valid("form"));
      await markRead(c, chat, "reply");
      return answer(c, chat, result);
    },
  )

  // Files (image, video, audio, document, a recorded voice note) through sendFileByUpload.
  .post(
    "/files",
    zValidator("form", sendFileUpload, (r, c) => {
      if (r.success) return;
      const file = (r.data as { file?: unknown }).file;
      if (!(file instanceof File) || file.size === 0)
        return refuse(appContext(c), "inbox.fileMissing", 400, "#attach-error");
      if (file.size > MAX_MEDIA_BYTES)
        return refuse(appContext(c), "inbox.fileTooLarge", 413, "#attach-error", { mb: MAX_MEDIA_BYTES / 1024 / 1024 });
      return refuse(appContext(c), "error.400.hint", 400, "#attach-error");
    }),
    async (c) => {
      const { chat } = c.var;
      const { file, voice, ...form } = c.req.valid("form");
      const upload = await fileToSend(file, voice === "1");
      if (!upload) return refuse(appContext(c), "voice.unreadable", 400, "#voice-error");
      const stored = await c.var.deps.media.store.store(upload.body, upload.meta);
      const result = await c.var.deps.outbox.enqueue({
        ...sender(c, form),
        waChatId: chat.waChatId,
        file: { ...stored, ...upload.meta },
        caption: form.caption,
      });
      await markRead(c, chat, "reply");
      return answer(c, chat, result);
    },
  )

  // The open conversation was seen (new messages arrived while it was on screen).
  .post("/read", async (c) => {
    await markRead(c, c.var.chat, "open");
    return c.body(null, 204);
  });

/** `POST /instances/:instanceId/messages`: start a conversation with a number; htmx then opens it in the pane. */
export const newChatRoutes = new Hono<AppEnv>().use(instanceGate()).post(
  "/",
  zValidator(
    "form",
    newChatForm,
    // zValidator's own hook: it needs which field failed (the number, or the text).
    (r, c) =>
      r.success
        ? undefined
        : refuse(
            appContext(c),
            r.error.issues.some((i) => i.path[0] === "to") ? "inbox.newChat.invalid" : "inbox.emptyText",
            400,
          ),
  ),
  async (c) => {
    const { deps } = c.var;
    const form = c.req.valid("form");
    // The person's chat under their other id (LID mode) when there is one; a new chat learns that id in the background.
    const result = await enqueue(c, await recipientOf(deps.db, c.var.instanceId, form.to), form);
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
  },
);
