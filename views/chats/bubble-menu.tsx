// A bubble's menu: reply, copy, and edit / delete of one's own sent messages within WhatsApp's windows.
import type { FC } from "hono/jsx";
import type { MessageView } from "../../src/inbox/service.ts";
import { deleteRefusal, editRefusal } from "../../src/lib/message-windows.ts";
import { QUICK_REACTIONS } from "../../src/lib/reactions.ts";
import { MoreIcon } from "../components/icons.tsx";
import type { Ui } from "./format.ts";

/** Edit / delete for one's own sent messages; past WhatsApp's window the item stays, disabled, saying why. */
const OwnActions: FC<{ ui: Ui; m: MessageView; base: string }> = ({ ui, m, base }) => {
  if (ui.userId === null) return null;
  const edit = editRefusal(m, ui.userId, ui.now);
  const del = deleteRefusal(m, ui.userId, ui.now);
  if (edit === "notOwn") return null;
  return (
    <>
      {edit === null ? (
        <button type="button" hx-get={`${base}/edit`} hx-target={`#m-${m.id}`} hx-swap="outerHTML">
          {ui.t("inbox.edit")}
        </button>
      ) : (
        <button type="button" disabled aria-disabled="true" title={ui.t(`inbox.change.${edit}`)}>
          {ui.t("inbox.edit")}
          <small class="menu-hint">{ui.t(`inbox.change.${edit}`)}</small>
        </button>
      )}
      {del === null ? (
        <button
          type="button"
          class="danger"
          hx-post={`${base}/delete`}
          hx-confirm={ui.t("inbox.deleteConfirm")}
          hx-target={`#m-${m.id}`}
          hx-swap="outerHTML"
        >
          {ui.t("inbox.deleteForAll")}
        </button>
      ) : (
        <button type="button" disabled aria-disabled="true" title={ui.t(`inbox.change.${del}`)}>
          {ui.t("inbox.deleteForAll")}
          <small class="menu-hint">{ui.t(`inbox.change.${del}`)}</small>
        </button>
      )}
    </>
  );
};

/** WhatsApp's row of quick reactions (and taking one's reaction back when the message has reactions). */
/**
 * The bubble's reaction form: empty in the page, filled from the pane's one `#reaction-buttons` template when its menu
 * opens (public/app.js), so fifty bubbles do not each carry six labelled buttons. The clicked button's emoji is sent.
 */
const Reactions: FC<{ ui: Ui; m: MessageView; base: string }> = ({ ui, m, base }) => (
  <form class="menu-reactions" hx-post={`${base}/react`} hx-target={`#m-${m.id}`} hx-swap="outerHTML" data-reactions="">
    {m.reactions.length > 0 && (
      <button type="submit" name="emoji" value="" aria-label={ui.t("inbox.reactRemove")}>
        ✕
      </button>
    )}
  </form>
);

/** The quick reactions, once per conversation pane, for the bubbles' menus. */
export const ReactionButtons: FC<{ ui: Ui }> = ({ ui }) => (
  <template id="reaction-buttons">
    {QUICK_REACTIONS.map((emoji) => (
      <button type="submit" name="emoji" value={emoji} aria-label={ui.t("inbox.react", { emoji })}>
        {emoji}
      </button>
    ))}
  </template>
);

/** The bubble's menu: reply (`replyText`: the quote strip's text), copy, and one's own edit and delete. */
export const Actions: FC<{ ui: Ui; m: MessageView; who: string; replyText: string; base: string }> = ({
  ui,
  m,
  who,
  replyText,
  base,
}) => {
  const canReply = m.idMessage !== null && !m.deletedAt;
  const canReact = canReply && ui.userId !== null;
  const canCopy = !!m.text && !m.deletedAt;
  const own = m.direction === "out" && ui.userId !== null && m.senderUserId === ui.userId && !m.deletedAt;
  if (!canReply && !canCopy && !own) return null;
  return (
    <details class="msg-actions">
      <summary class="icon-button" aria-label={ui.t("inbox.actions")} title={ui.t("inbox.actions")}>
        <MoreIcon />
      </summary>
      <div class="menu">
        {canReact && <Reactions ui={ui} m={m} base={base} />}
        {canReply && (
          <button type="button" data-reply={m.idMessage} data-reply-who={who} data-reply-text={replyText}>
            {ui.t("inbox.reply")}
          </button>
        )}
        {canCopy && (
          <button type="button" data-copy="">
            {ui.t("inbox.copy")}
          </button>
        )}
        {own && <OwnActions ui={ui} m={m} base={base} />}
      </div>
    </details>
  );
};
