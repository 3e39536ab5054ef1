// An outgoing message's state: its ticks (clock, one, two, read, warning) and, while on its way, the state in words.
import type { FC } from "hono/jsx";
import type { MessageView } from "../../src/inbox/service.ts";
import { sendProgressText } from "../../src/lib/sending.ts";
import type { Ui } from "./format.ts";

const PATHS = {
  clock: "M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  one: "M4 12.5 9 17.5 20 6.5",
  two: "M1.5 12.5 6.5 17.5 17.5 6.5M11 16l1.5 1.5 11-11",
  warn: "M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
};

type Status = NonNullable<MessageView["status"]>;
const TICKS: Record<Status, [keyof typeof PATHS, "pending" | "sent" | "delivered" | "read" | "failed" | "unknown"]> = {
  queued: ["clock", "pending"],
  sending: ["clock", "pending"],
  accepted: ["clock", "pending"],
  sent: ["one", "sent"],
  delivered: ["two", "delivered"],
  read: ["two", "read"],
  failed: ["warn", "failed"],
  unknown: ["warn", "unknown"],
};

export const Ticks: FC<{ ui: Ui; status: Status }> = ({ ui, status }) => {
  const [icon, name] = TICKS[status];
  return (
    <span
      class={`ticks ticks-${name}`}
      role="img"
      aria-label={ui.t(`inbox.status.${name}`)}
      title={ui.t(`inbox.status.${name}`)}
    >
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
        <path
          d={PATHS[icon]}
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
    </span>
  );
};

/** A send on its way in words next to its clock: "Sending…", or "Green-API is not answering — retrying in 40 s". */
export const SendProgress: FC<{ ui: Ui; m: MessageView }> = ({ ui, m }) => {
  const text = sendProgressText(ui.t, m, ui.now);
  return text ? <span class="msg-state">{text}</span> : null;
};
