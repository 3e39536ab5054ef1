// Inbox pages: the chat list (all visible numbers, or one behind the instance gate), a conversation and its older pages.
import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { chatOfRoute, htmxTarget, markRead } from "./request.ts";
import { sendRoutes } from "./send-routes.tsx";
import { ownMessageRoutes } from "./own-routes.tsx";
import { presenceRoutes } from "./presence-routes.tsx";
import { ChatResults, ChatRows, InboxPage, type ListState } from "../../views/chats/list.tsx";
import { ConversationPane, NoChatPane, OlderPage } from "../../views/chats/conversation.tsx";
import { contactLabel, uiFor } from "../../views/chats/format.ts";
import { teamListQuery } from "../team/filters.ts";
import { teamListData, teamListOptions } from "../team/list-data.ts";

const listQuery = z.object({
  q: z.string().trim().max(200).default(""),
  instance: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
  before: z
    .string()
    .regex(/^\d{1,19}_\d{1,15}$/)
    .optional(),
});

const olderQuery = z.object({ before: z.coerce.number().int().positive().optional() });

type C = Context<AppEnv>;

function listState(c: C, gatedInstance?: number): { state: ListState; before?: string } {
  const query = listQuery.safeParse(c.req.query());
  if (!query.success) throw new HTTPException(400, { message: "bad list query" });
  const { q, instance, before } = query.data;
  const team = teamListQuery.parse(c.req.query());
  return {
    state: {
      q,
      instanceId: gatedInstance ?? (typeof instance === "number" ? instance : undefined),
      team,
      me: c.var.user!.id,
    },
    before,
  };
}

/** The whole inbox page (list and `pane`); or, when htmx asks for them, the next rows or the search results only. */
async function inboxPage(
  c: C,
  state: ListState,
  before: string | undefined,
  pane: () => Promise<{ node: Child; title: string }>,
  searchPath = "/chats",
) {
  const ui = uiFor(c);
  const target = htmxTarget(c);
  const listOnly = before !== undefined || target === "chat-results";
  if (!listOnly && target === "chat-pane") {
    const { node, title } = await pane();
    return c.html(
      <>
        <title>{`${title} · GreenInbox`}</title>
        {node}
      </>,
    );
  }
  const teamOptions = state.team ? teamListOptions(c.var.deps, c.var.user!, state.team, state.q) : {};
  const page = await c.var.deps.inbox.listChats(c.var.user!, {
    instanceId: state.instanceId,
    q: state.q,
    before,
    ...teamOptions,
  });
  if (before) return c.html(<ChatRows ui={ui} chats={page.items} state={state} next={page.next} />);
  if (listOnly) return c.html(<ChatResults ui={ui} chats={page.items} state={state} next={page.next} />);
  const { node, title } = await pane();
  const instances = await c.var.deps.inbox.instanceOptions(c.var.user!);
  const team = state.team ? await teamListData(c.var.deps, c.var.user!, state.team, state.instanceId) : undefined;
  return c.render(
    <InboxPage
      ui={ui}
      chats={page.items}
      next={page.next}
      state={state}
      instances={instances}
      csrf={c.var.csrfToken}
      searchPath={searchPath}
      pane={node}
      team={team}
    />,
    { title },
  );
}

const noChat = (c: C) => async () => ({ node: <NoChatPane ui={uiFor(c)} />, title: c.var.t("chats.title") });

export const inboxRoutes = new Hono<AppEnv>()
  .get("/chats", (c) => {
    const { state, before } = listState(c);
    return inboxPage(c, state, before, noChat(c));
  })

  .get(`${INSTANCE_SCOPE}/chats`, (c) => {
    const { state, before } = listState(c, c.var.instanceId);
    return inboxPage(c, state, before, noChat(c));
  })

  // A conversation beside the list (searched in place, so the URL keeps the open chat); opening it marks it read.
  .get(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}`, async (c) => {
    const chat = await chatOfRoute(c);
    const { state, before } = listState(c);
    return inboxPage(
      c,
      state,
      before,
      async () => {
        const ui = uiFor(c);
        await markRead(c, chat, "open");
        const { messages, more } = await c.var.deps.inbox.messagePage(chat.id);
        return {
          node: <ConversationPane ui={ui} chat={chat} messages={messages} more={more} csrf={c.var.csrfToken} />,
          title: contactLabel(ui, chat),
        };
      },
      c.req.path,
    );
  })

  // Older messages (scrolling up): the page before message `before`, or the newest page.
  .get(`${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}/messages`, async (c) => {
    const chat = await chatOfRoute(c);
    const query = olderQuery.safeParse(c.req.query());
    if (!query.success) throw new HTTPException(400, { message: "bad cursor" });
    const { before } = query.data;
    const page = await c.var.deps.inbox.messagePage(chat.id, before);
    return c.html(
      <OlderPage ui={uiFor(c)} chat={chat} messages={page.messages} more={page.more} anchor={page.anchor} />,
    );
  })

  .route("/", sendRoutes)
  .route("/", ownMessageRoutes)
  .route("/", presenceRoutes);
