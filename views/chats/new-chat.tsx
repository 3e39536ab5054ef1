// "New chat": write to a phone number from the number the list is showing (one number in view, or the only one).
import type { FC } from "hono/jsx";
import type { Ui } from "./format.ts";

export const NewChat: FC<{
  ui: Ui;
  instances: { id: number; name: string }[];
  state: { instanceId?: number };
  csrf: string;
}> = ({ ui, instances, state, csrf }) => {
  const instanceId = state.instanceId ?? (instances.length === 1 ? instances[0]!.id : undefined);
  if (instanceId === undefined || !instances.some((i) => i.id === instanceId)) return null;
  const action = `/instances/${instanceId}/messages`;
  return (
    <details class="new-chat">
      <summary class="button small">{ui.t("inbox.newChat")}</summary>
      <form class="new-chat-form stack" method="post" action={action} hx-post={action} hx-swap="none">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="key" value="" data-send-key />
        <label>
          {ui.t("inbox.newChat.to")}
          <input type="tel" name="to" required autocomplete="off" inputmode="tel" placeholder="+7 900 123-45-67" />
        </label>
        <label>
          {ui.t("inbox.newChat.text")}
          <textarea name="text" rows={2} required maxlength={20000}></textarea>
        </label>
        <button type="submit" class="button primary">
          {ui.t("inbox.newChat.send")}
        </button>
      </form>
    </details>
  );
};
