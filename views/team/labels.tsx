// The labels page (admins): coloured labels to put on chats and filter the list by.
import type { FC } from "hono/jsx";
import type { Label } from "../../src/team/labels.ts";
import type { Translate } from "../../src/lib/i18n.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EmptyState } from "../components/empty.tsx";
import { LabelChip } from "./chips.tsx";

export const LabelsPage: FC<{ t: Translate; labels: Label[]; error?: string }> = ({ t, labels, error }) => (
  <section class="team-page">
    <h1>{t("team.labels.title")}</h1>
    <form class="card stack" method="post" action="/labels">
      <CsrfField />
      {error && (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      )}
      <label>
        <span>{t("team.labels.name")}</span>
        <input type="text" name="name" required maxlength={40} autocomplete="off" />
      </label>
      <label>
        <span>{t("team.labels.color")}</span>
        <input type="color" name="color" value="#25d366" />
      </label>
      <button type="submit" class="button primary">
        {t("team.labels.add")}
      </button>
    </form>
    {labels.length === 0 ? (
      <EmptyState title={t("team.labels.empty")} hint={t("team.labels.emptyHint")} />
    ) : (
      <ul class="team-list">
        {labels.map((l) => (
          <li class="card team-list-row">
            <LabelChip label={l} />
            <form method="post" action={`/labels/${l.id}/delete`}>
              <CsrfField />
              <button type="submit" class="button small danger">
                {t("team.delete")}
              </button>
            </form>
          </li>
        ))}
      </ul>
    )}
  </section>
);
