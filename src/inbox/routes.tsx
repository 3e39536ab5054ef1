// Inbox pages: the chat list (all visible numbers, or one behind the instance gate), a conversation and its older pages.
import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { htmxTarget } from "../lib/htmx.ts";
import { chatOfUrl, type ChatEnv } from "./chat-route.ts";
import { failWith } from "../lib/validate.ts";
import { instanceGate } from "../auth/instance-gate.ts";
import { can } from "../auth/permissions.ts";
import { markRead } from "./mark-read.ts";
import { VIEWING_PING_MS } from "./presence.ts";
import { ChatResults, ChatRows, InboxPage, type ListState } from "../../views/chats/list.tsx";
import { ConversationPane, NoChatPane, OlderPage } from "../../views/chats/conversation.tsx";
import { contactLabel, uiFor } from "../../views/chats/format.ts";
import { teamListQuery } from "../team/filters.ts";
import { teamListData, teamListOptions } from "../team/list-data.ts";

/** The list's search, number filter and cursor, plus the team filters (those never refuse: bad ones are ignored). */
const listQuery = z.object({
  q: z.string().trim().max(200).default(""),
  instance: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
  before: z
    .string()
    .regex(/^\d{1,19}_\d{1,15}$/)
    .optional(),
  ...teamListQuery.shape,
});
type ListQuery = z.infer<typeof listQuery>;
const validList = zValidator("query", listQuery, failWith(400, "bad list query"));

const olderQuery = z.object({ before: z.coerce.number().int().positive().optional() });

// biome-ignore lint/suspicious/noExplicitAny: drawn for the list routes and the conversation alike (queries validated)
type C<E extends AppEnv> = Context<E, string, any>;

function listState<E extends AppEnv>(
  c: C<E>,
  query: ListQuery,
  gatedInstance?: number,
): { state: ListState; before?: string } {
  const { q, instance, before, tab, label, status, assignee, from, to } = query;
  return {
    state: {
      q,
      instanceId: gatedInstance ?? (typeof instance === "number" ? instance : undefined),
      team: { tab, label, status, assignee, from, to },
      me: c.var.user!.id,
    },
    before,
  };
}

/** The whole inbox page (list and `pane`); or, when htmx asks for them, the next rows or the search results only. */
async function inboxPage<E extends AppEnv>(
  c: C<E>,
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
      mayManage={can(c.var.user, "manageInstances")}
    />,
    { title },
  );
}

const noChat =
  <E extends AppEnv>(c: C<E>) =>
  async () => ({
    node: <NoChatPane ui={uiFor(c)} />,
    title: c.var.t("chats.title"),
  });

/** `/chats`: every chat of the numbers the user may see. */
export const chatListRoutes = new Hono<AppEnv>().get("/", validList, (c) => {
  const { state, before } = listState(c, c.req.valid("query"));
  return inboxPage(c, state, before, noChat(c));
});

/** `/instances/:instanceId/chats`: one number's chats. */
export const numberChatListRoutes = new Hono<AppEnv>().use(instanceGate()).get("/", validList, (c) => {
  const { state, before } = listState(c, c.req.valid("query"), c.var.instanceId);
  return inboxPage(c, state, before, noChat(c));
});

/** `/instances/:instanceId/chats/:chatId`: a conversation beside the list, and its older messages. */
export const conversationRoutes = new Hono<ChatEnv>()
  .use(instanceGate())
  .use(...chatOfUrl())
  // Searched in place, so the URL keeps the open chat; opening it marks it read.
  .get("/", validList, (c) => {
    const { chat } = c.var;
    const { state, before } = listState(c, c.req.valid("query"));
    return inboxPage(
      c,
      state,
      before,
      async () => {
        const ui = uiFor(c);
        await markRead(c, chat, "open");
        const { messages, more } = await c.var.deps.inbox.messagePage(chat.id);
        return {
          node: (
            <ConversationPane
              ui={ui}
              chat={chat}
              messages={messages}
              more={more}
              csrf={c.var.csrfToken}
              pingMs={VIEWING_PING_MS}
            />
          ),
          title: contactLabel(ui, chat),
        };
      },
      c.req.path,
    );
  })

  // Older messages (scrolling up): the page before message `before`, or the newest page.
  .get("/messages", zValidator("query", olderQuery, failWith(400, "bad cursor")), async (c) => {
    const { chat } = c.var;
    const page = await c.var.deps.inbox.messagePage(chat.id, c.req.valid("query").before);
    return c.html(
      <OlderPage ui={uiFor(c)} chat={chat} messages={page.messages} more={page.more} anchor={page.anchor} />,
    );
  });
