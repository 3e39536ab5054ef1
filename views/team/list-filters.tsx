// The chat list's team controls inside the search form: tabs with live counts, label filter and further filters.
import type { FC } from "hono/jsx";
import type { Label } from "../../src/team/labels.ts";
import type { Tab, TabCounts, TeamFilter } from "../../src/team/filters.ts";
import { TAB_COUNT_CAP } from "../../src/lib/count-caps.ts";
import type { Ui } from "../chats/format.ts";

/** Every tab (a record, so a tab added to the filter and missing here fails to compile), in the order shown. */
const SHOWN: Record<Tab, true> = { mine: true, unassigned: true, all: true, resolved: true };
const TABS = Object.keys(SHOWN) as Tab[];

/** True when the filter shows something other than the default tab. */
function isFiltered(f: TeamFilter): boolean {
  return (
    f.label !== undefined ||
    f.status !== undefined ||
    f.assignee !== undefined ||
    f.from !== undefined ||
    f.to !== undefined
  );
}

/** Adds the filter to a list URL's parameters (the default tab is left out). */
export function teamParams(f: TeamFilter, params: URLSearchParams): void {
  if (f.tab !== "all") params.set("tab", f.tab);
  for (const key of ["label", "status", "assignee", "from", "to"] as const)
    if (f[key] !== undefined) params.set(key, String(f[key]));
}

/** Tabs as radio buttons of the list form: choosing one asks for the list with every other filter kept. */
export const ChatTabs: FC<{ ui: Ui; filter: TeamFilter; counts: TabCounts; searchPath: string }> = ({
  ui,
  filter,
  counts,
  searchPath,
}) => (
  <div
    id="chat-tabs"
    class="chat-tabs"
    role="radiogroup"
    aria-label={ui.t("team.tabs")}
    data-hx-get="/chats/tabs"
    hx-trigger="sse:team.tabs delay:300ms, sse:unread delay:300ms"
    hx-target="this"
    hx-swap="outerHTML"
    hx-push-url="false"
    hx-include="closest form"
  >
    {TABS.map((tab) => (
      <label class="chat-tab">
        <input
          type="radio"
          name="tab"
          value={tab}
          checked={filter.tab === tab}
          hx-get={searchPath}
          hx-trigger="change"
          hx-include="closest form"
          hx-target="#chat-results"
          hx-swap="innerHTML"
          hx-push-url="true"
        />
        <span>{ui.t(`team.tab.${tab}`)}</span>
        <span class="tab-count" data-tab-count={tab}>
          {counts[tab] >= TAB_COUNT_CAP ? `${TAB_COUNT_CAP - 1}+` : counts[tab]}
        </span>
      </label>
    ))}
  </div>
);

export const ListFilters: FC<{
  ui: Ui;
  filter: TeamFilter;
  labels: Label[];
  people: { id: number; displayName: string }[];
  searchPath: string;
  links: { labels: boolean; quickReplies: boolean };
  available?: boolean;
}> = ({ ui, filter, labels, people, searchPath, links, available }) => (
  <details class="more-filters" open={isFiltered(filter) || undefined}>
    <summary class="link-button">{ui.t("team.filters")}</summary>
    <div class="filter-grid">
      <label>
        <span>{ui.t("team.filter.label")}</span>
        <select name="label" hx-get={searchPath} hx-trigger="change" hx-include="closest form">
          <option value="">{ui.t("team.filter.any")}</option>
          {labels.map((l) => (
            <option value={String(l.id)} selected={filter.label === l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{ui.t("team.filter.status")}</span>
        <select name="status" hx-get={searchPath} hx-trigger="change" hx-include="closest form">
          <option value="">{ui.t("team.filter.any")}</option>
          {(["open", "pending", "resolved"] as const).map((s) => (
            <option value={s} selected={filter.status === s}>
              {ui.t(`team.status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{ui.t("team.filter.assignee")}</span>
        <select name="assignee" hx-get={searchPath} hx-trigger="change" hx-include="closest form">
          <option value="">{ui.t("team.filter.any")}</option>
          <option value="none" selected={filter.assignee === "none"}>
            {ui.t("team.unassigned")}
          </option>
          {people.map((p) => (
            <option value={String(p.id)} selected={filter.assignee === p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{ui.t("team.filter.from")}</span>
        <input
          type="date"
          name="from"
          value={filter.from ?? ""}
          hx-get={searchPath}
          hx-trigger="change"
          hx-include="closest form"
        />
      </label>
      <label>
        <span>{ui.t("team.filter.to")}</span>
        <input
          type="date"
          name="to"
          value={filter.to ?? ""}
          hx-get={searchPath}
          hx-trigger="change"
          hx-include="closest form"
        />
      </label>
    </div>
    {available !== undefined && <AvailabilityToggle ui={ui} available={available} />}
    <p class="team-links">
      <a href="/contacts" hx-boost="false">
        {ui.t("team.contacts.title")}
      </a>
      {links.labels && (
        <a href="/labels" hx-boost="false">
          {ui.t("team.labels.title")}
        </a>
      )}
      {links.quickReplies && (
        <a href="/quick-replies" hx-boost="false">
          {ui.t("team.qr.title")}
        </a>
      )}
    </p>
  </details>
);

/** "Available for new chats" (round-robin auto-assignment skips me when off). A button, not a form: it sits in the list form. */
export const AvailabilityToggle: FC<{ ui: Ui; available: boolean }> = ({ ui, available }) => (
  <button
    type="button"
    id="availability"
    class="button small availability"
    aria-pressed={available ? "true" : "false"}
    hx-post="/team/availability"
    hx-vals={JSON.stringify({ available: available ? "0" : "1" })}
    hx-target="this"
    hx-swap="outerHTML"
    hx-push-url="false"
  >
    {available ? ui.t("team.available.on") : ui.t("team.available.off")}
  </button>
);
