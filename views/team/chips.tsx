// Team chips on a chat-list row: state, assignee and coloured labels (colours as SVG fills: the CSP forbids inline styles).
import type { FC } from "hono/jsx";
import type { ChatListItem } from "../../src/inbox/service.ts";
import type { Ui } from "../chats/format.ts";

export const LabelDot: FC<{ color: string }> = ({ color }) => (
  <svg class="label-dot" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true" focusable="false">
    <circle cx="5" cy="5" r="5" fill={/^#[0-9a-f]{6}$/i.test(color) ? color : "#888888"} />
  </svg>
);

export const LabelChip: FC<{ label: { name: string; color: string } }> = ({ label }) => (
  <span class="label-chip">
    <LabelDot color={label.color} />
    {label.name}
  </span>
);

/** Data attributes that let the page decide live whether a row belongs to the shown tab and label filter. */
function rowData(chat: Pick<ChatListItem, "status" | "assigneeId" | "labels">) {
  return {
    "data-status": chat.status,
    "data-assignee": chat.assigneeId === null ? "" : String(chat.assigneeId),
    "data-labels": ` ${chat.labels.map((l) => l.id).join(" ")} `,
  };
}

/** The row's chips; the element also carries the row's state for public/team.js (`data-row-state`). */
export const RowChips: FC<{ ui: Ui; chat: ChatListItem }> = ({ ui, chat }) => {
  return (
    <span class="chat-chips" data-row-state {...rowData(chat)}>
      {chat.status !== "open" && (
        <span class={`state-chip state-${chat.status}`}>{ui.t(`team.status.${chat.status}`)}</span>
      )}
      {chat.assigneeName && (
        <span class="assignee-chip" title={ui.t("team.assignedTo", { name: chat.assigneeName })}>
          @{chat.assigneeName}
        </span>
      )}
      {chat.labels.map((l) => (
        <LabelChip label={l} />
      ))}
    </span>
  );
};
