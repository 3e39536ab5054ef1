// The team bar under a conversation's header: state, assignee (take, assign or transfer with a note), labels, contact.
// On phones (public/phone.css) it sits in the header's row: the state chip and a ⋮ button opening the actions as a popover.
import type { FC } from "hono/jsx";
import { MoreIcon, NoteIcon } from "../components/icons.tsx";
import type { Label } from "../../src/team/labels.ts";
import type { ChatStatus } from "../../src/team/state.ts";
import type { Ui } from "../chats/format.ts";
import { LabelChip, LabelDot } from "./chips.tsx";

export interface TeamBarProps {
  ui: Ui;
  base: string;
  me: number;
  chat: { status: ChatStatus; assigneeId: number | null; assigneeName: string | null };
  people: { id: number; displayName: string }[];
  labels: Label[];
  chatLabels: Label[];
  contactId: number | null;
}

const post = (base: string, path: string) => ({
  "hx-post": `${base}/${path}`,
  "hx-target": "#team-bar",
  "hx-swap": "outerHTML",
});

export const TeamBar: FC<TeamBarProps> = (props) => {
  const { ui, base, chat } = props;
  return (
    <div
      id="team-bar"
      class="team-bar"
      hx-get={`${base}/team`}
      hx-trigger="sse:team.tabs delay:400ms"
      hx-target="this"
      hx-swap="outerHTML"
      data-status={chat.status}
      data-assignee={chat.assigneeId ?? ""}
    >
      <div class="team-row">
        <span class={`state-chip state-${chat.status}`} data-short-assignee={chat.assigneeName ?? undefined}>
          {ui.t(`team.status.${chat.status}`)}
        </span>
        <span class="team-assignee" data-assignee-name>
          {chat.assigneeName ? ui.t("team.assignedTo", { name: chat.assigneeName }) : ui.t("team.unassigned")}
        </span>
        <button
          type="button"
          class="icon-button team-more"
          popovertarget="team-actions"
          data-team-more
          aria-label={ui.t("team.menu")}
          title={ui.t("team.menu")}
        >
          <MoreIcon />
        </button>
        {/* On desktop the actions stay in the bar's row (display: contents); on phones they are the ⋮ popover. */}
        <div id="team-actions" class="team-actions" popover="auto">
          <TeamActions {...props} />
        </div>
      </div>
    </div>
  );
};

const STATUS_LABEL = { open: "team.reopen", resolved: "team.resolve", pending: "team.pending" } as const;

/** Moves the chat to `to` (Reopen, Resolve or Pending). */
const StatusButton: FC<{ ui: Ui; base: string; to: ChatStatus }> = ({ ui, base, to }) => (
  <button
    type="button"
    class="button small"
    data-team-status={to}
    {...post(base, "status")}
    hx-vals={JSON.stringify({ status: to })}
  >
    {ui.t(STATUS_LABEL[to])}
  </button>
);

/** Take, assign or transfer, state changes, labels and the contact link. */
const TeamActions: FC<TeamBarProps> = ({ ui, base, me, chat, people, labels, chatLabels, contactId }) => {
  const on = new Set(chatLabels.map((l) => l.id));
  const others = people.filter((p) => p.id !== chat.assigneeId);
  return (
    <>
      {chat.assigneeId !== me && (
        <button type="button" class="button small primary" data-team-take {...post(base, "take")}>
          {ui.t("team.take")}
        </button>
      )}
      <details class="team-menu team-assign">
        <summary class="button small">{chat.assigneeId === null ? ui.t("team.assign") : ui.t("team.transfer")}</summary>
        <form class="menu stack" {...post(base, "assign")}>
          <label>
            <span>{ui.t("team.assignTo")}</span>
            <select name="assignee" required>
              {others.map((p) => (
                <option value={String(p.id)}>
                  {p.id === me ? ui.t("team.me", { name: p.displayName }) : p.displayName}
                </option>
              ))}
              {chat.assigneeId !== null && <option value="none">{ui.t("team.nobody")}</option>}
            </select>
          </label>
          <label>
            <span>{ui.t("team.assignNote")}</span>
            <input type="text" name="note" maxlength={500} autocomplete="off" />
          </label>
          <button type="submit" class="button primary">
            {chat.assigneeId === null ? ui.t("team.assign") : ui.t("team.transfer")}
          </button>
        </form>
      </details>
      {chat.status === "resolved" ? (
        <StatusButton ui={ui} base={base} to="open" />
      ) : (
        <StatusButton ui={ui} base={base} to="resolved" />
      )}
      {chat.status === "open" && <StatusButton ui={ui} base={base} to="pending" />}
      {chat.status === "pending" && <StatusButton ui={ui} base={base} to="open" />}
      {chatLabels.map((l) => (
        <LabelChip label={l} />
      ))}
      {labels.length > 0 && (
        <details class="team-menu">
          <summary class="link-button">{ui.t("team.labels")}</summary>
          <div class="menu">
            {labels.map((l) => (
              <button
                type="button"
                class="label-toggle"
                aria-pressed={on.has(l.id) ? "true" : "false"}
                {...post(base, "labels")}
                hx-vals={JSON.stringify({ label: l.id, on: on.has(l.id) ? "0" : "1" })}
              >
                <LabelDot color={l.color} /> {l.name}
              </button>
            ))}
          </div>
        </details>
      )}
      {contactId !== null && (
        <a class="link-button" href={`/contacts/${contactId}`}>
          {ui.t("team.contact")}
        </a>
      )}
    </>
  );
};

/** Placeholder in the conversation pane: loads the bar once the pane is on the page. */
export const TeamBarSlot: FC<{ base: string }> = ({ base }) => (
  <div
    id="team-bar"
    class="team-bar"
    hx-get={`${base}/team`}
    hx-trigger="load"
    hx-target="this"
    hx-swap="outerHTML"
  ></div>
);

/** The composer's switch between a message to the customer and a private note (app glue in public/team.js). */
export const NoteToggle: FC<{ ui: Ui }> = ({ ui }) => (
  <button
    type="button"
    class="icon-button note-toggle"
    data-note-toggle
    aria-pressed="false"
    title={ui.t("team.noteToggle")}
    data-note-placeholder={ui.t("team.notePlaceholder")}
    data-qr-none={ui.t("team.qr.none")}
  >
    <NoteIcon />
    <span class="visually-hidden">{ui.t("team.noteToggle")}</span>
  </button>
);
