// Removing an instance: what is lost, keep or remove the history, and typing the name to confirm.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { CsrfField } from "../components/csrf.tsx";

export const DeleteSection: FC<{ id: number; name: string; impact: { chats: number; messages: number } }> = ({
  id,
  name,
  impact,
}) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card danger-zone">
      <h2>{t("instances.deleteTitle", { name })}</h2>
      <p>
        {t("instances.deleteLoses", {
          chats: t("instances.chatCount", { count: impact.chats }),
          messages: t("instances.messageCount", { count: impact.messages }),
        })}
      </p>
      <form
        method="post"
        action={`/instances/${id}/delete`}
        class="stack"
        hx-confirm={t("instances.deleteTitle", { name })}
      >
        <CsrfField />
        <fieldset class="stack">
          <legend>{t("instances.deleteHistory")}</legend>
          <label class="check">
            <input type="radio" name="history" value="keep" checked /> {t("instances.deleteKeep")}
          </label>
          <label class="check">
            <input type="radio" name="history" value="remove" /> {t("instances.deleteRemove")}
          </label>
        </fieldset>
        <label>
          {t("instances.deleteConfirm")}
          <input name="confirm" autocomplete="off" required />
        </label>
        <button type="submit" class="button danger">
          {t("instances.deleteButton")}
        </button>
      </form>
    </section>
  );
};
