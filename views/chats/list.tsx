// The inbox page: chat list (filter, search, live rows, more on scroll) beside the conversation pane. One row: chat-row.tsx.
import type { Child, FC } from "hono/jsx";
import type { ChatListItem } from "../../src/inbox/service.ts";
import { BellIcon, SoundIcon } from "../components/icons.tsx";
import { EmptyState } from "../components/empty.tsx";
import { NoNumbers } from "../components/no-numbers.tsx";
import type { Ui } from "./format.ts";
import { ChatRow } from "./chat-row.tsx";
import { NewChat } from "./new-chat.tsx";
import { ChatTabs, ListFilters, teamParams } from "../team/list-filters.tsx";
import type { TeamFilter, TeamListData } from "../../src/team/list-data.ts";

export interface ListState {
  q: string;
  instanceId?: number;
  /** Team filters (tab, label, state, assignee, dates), and who is looking (the "Mine" tab). */
  team?: TeamFilter;
  me?: number;
}

/** `/chats` with the list's filter and search as query parameters. */
function listUrl(state: ListState, before?: string): string {
  const params = new URLSearchParams();
  if (state.instanceId !== undefined) params.set("instance", String(state.instanceId));
  if (state.q) params.set("q", state.q);
  if (state.team) teamParams(state.team, params);
  if (before) params.set("before", before);
  const query = params.toString();
  return query ? `/chats?${query}` : "/chats";
}

/** The next page of chats, loaded when it scrolls into view; swapped out for the rows. */
const MoreChats: FC<{ ui: Ui; state: ListState; next: string | null }> = ({ ui, state, next }) =>
  next ? (
    <li class="more-chats">
      <a
        class="link-button"
        href={listUrl(state, next)}
        hx-get={listUrl(state, next)}
        hx-trigger="click, intersect once"
        hx-target="closest li"
        hx-swap="outerHTML"
        hx-push-url="false"
      >
        {ui.t("inbox.more")}
      </a>
    </li>
  ) : null;

/** A page of rows plus the link to the next one (the answer to "more"). */
export const ChatRows: FC<{ ui: Ui; chats: ChatListItem[]; state: ListState; next: string | null }> = ({
  ui,
  chats,
  state,
  next,
}) => (
  <>
    {chats.map((chat) => (
      <ChatRow ui={ui} chat={chat} />
    ))}
    <MoreChats ui={ui} state={state} next={next} />
  </>
);

/**
 * The list itself (swapped by search and filter). Without a search it takes live rows at the top: from every visible
 * number, or from the filtered one. Search results only update in place.
 */
export const ChatResults: FC<{ ui: Ui; chats: ChatListItem[]; state: ListState; next: string | null }> = ({
  ui,
  chats,
  state,
  next,
}) => {
  const live = state.q
    ? undefined
    : state.instanceId === undefined
      ? "chats.all,chat"
      : `chats.${state.instanceId},chat`;
  const searchLive = state.q ? "chat" : undefined;
  return (
    <>
      <ul
        id="chat-list"
        class="chat-list"
        aria-label={ui.t("chats.title")}
        sse-swap={live ?? searchLive}
        hx-swap="afterbegin"
        data-tab={state.team?.tab ?? "all"}
        data-label={state.team?.label ?? ""}
        data-status={state.team?.status ?? ""}
        data-assignee={state.team?.assignee ?? ""}
        data-search={state.q ? "1" : ""}
        data-me={state.me ?? ""}
      >
        <ChatRows ui={ui} chats={chats} state={state} next={next} />
      </ul>
      {state.q ? (
        <EmptyState title={ui.t("inbox.noResults", { q: state.q })} hint={ui.t("inbox.noResultsHint")} />
      ) : (
        <EmptyState title={ui.t("chats.empty")} hint={ui.t("chats.emptyHint")} />
      )}
    </>
  );
};

export interface InboxPageProps {
  ui: Ui;
  chats: ChatListItem[];
  next: string | null;
  state: ListState;
  instances: { id: number; name: string }[];
  csrf: string;
  /** Where searching asks for results (and what it pushes to the address bar): the list, or the open conversation. */
  searchPath: string;
  pane: Child;
  /** Tabs, counts and filter choices of the team workflow. */
  team?: TeamListData;
  /** The user may connect numbers (the empty state without any number offers it). */
  mayManage?: boolean;
}

export const InboxPage: FC<InboxPageProps> = ({
  ui,
  chats,
  next,
  state,
  instances,
  csrf,
  searchPath,
  pane,
  team,
  mayManage = false,
}) => (
  <div class="inbox">
    <section class="inbox-list" aria-labelledby="chats-title">
      <header class="list-head">
        <h1 id="chats-title">{ui.t("chats.title")}</h1>
        <button
          type="button"
          class="icon-button"
          data-notify-ask
          hidden
          aria-label={ui.t("inbox.notify")}
          title={ui.t("inbox.notify")}
        >
          <BellIcon />
        </button>
        <button
          type="button"
          class="icon-button sound-toggle"
          data-sound-toggle
          aria-pressed="false"
          aria-label={ui.t("inbox.sound")}
          title={ui.t("inbox.sound")}
        >
          <SoundIcon />
        </button>
        <NewChat ui={ui} instances={instances} state={state} csrf={csrf} />
      </header>
      <search>
        <form class="list-filters" action={searchPath} hx-get={searchPath} hx-target="#chat-results" hx-push-url="true">
          <input
            type="search"
            name="q"
            value={state.q}
            placeholder={ui.t("inbox.search")}
            aria-label={ui.t("inbox.search")}
            autocomplete="off"
            hx-get={searchPath}
            hx-trigger="input changed delay:300ms, search"
            hx-include="closest form"
          />
          {instances.length > 1 && (
            <select
              name="instance"
              aria-label={ui.t("inbox.filter")}
              hx-get={searchPath}
              hx-trigger="change"
              hx-include="closest form"
            >
              <option value="">{ui.t("inbox.allNumbers")}</option>
              {instances.map((i) => (
                <option value={String(i.id)} selected={i.id === state.instanceId}>
                  {i.name}
                </option>
              ))}
            </select>
          )}
          {team && state.team && <ChatTabs ui={ui} filter={state.team} counts={team.counts} searchPath={searchPath} />}
          {team && state.team && (
            <ListFilters
              ui={ui}
              filter={state.team}
              labels={team.labels}
              people={team.people}
              searchPath={searchPath}
              links={team.links}
              available={team.available}
            />
          )}
        </form>
      </search>
      <div id="chat-results" class="chat-results">
        {instances.length === 0 ? (
          <NoNumbers t={ui.t} mayManage={mayManage} />
        ) : (
          <ChatResults ui={ui} chats={chats} state={state} next={next} />
        )}
      </div>
    </section>
    {pane}
  </div>
);
