// The empty state of a user without any WhatsApp number: what to do next ("Connect a number", or whom to ask).
import type { FC } from "hono/jsx";
import type { Translate } from "../../src/lib/i18n.ts";
import { EmptyState } from "./empty.tsx";

export const NoNumbers: FC<{ t: Translate; mayManage: boolean }> = ({ t, mayManage }) => (
  <EmptyState title={t("instances.empty")} hint={mayManage ? t("instances.emptyManage") : t("instances.emptyAsk")}>
    {mayManage && (
      <p>
        <a class="button primary" href="/instances/new" data-connect-number>
          {t("instances.connect")}
        </a>
      </p>
    )}
  </EmptyState>
);
