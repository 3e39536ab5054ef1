// The quick replies page: global and per-number canned responses, for users who may manage numbers.
import type { FC } from "hono/jsx";
import type { QuickReply } from "../../src/team/quick-replies.ts";
import type { Translate } from "../../src/lib/i18n.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EmptyState } from "../components/empty.tsx";

type ManagedInstance = { id: number; name: string; autoAssign: boolean; notesToTelegram: boolean };

export const QuickRepliesPage: FC<{
  t: Translate;
  rows: QuickReply[];
  instances: ManagedInstance[];
  mayGlobal: boolean;
  error?: string;
}> = ({ t, rows, instances, mayGlobal, error }) => {
  const names = new Map(instances.map((i) => [i.id, i.name]));
  return (
    <section class="team-page">
      <h1>{t("team.qr.title")}</h1>
      <p class="muted">{t("team.qr.hint")}</p>
      <form class="card stack" method="post" action="/quick-replies">
        <CsrfField />
        {error && (
          <p class="flash flash-error" role="alert">
            {error}
          </p>
        )}
        <label>
          <span>{t("team.qr.scope")}</span>
          <select name="instance">
            {mayGlobal && <option value="">{t("team.qr.global")}</option>}
            {instances.map((i) => (
              <option value={String(i.id)}>{i.name}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t("team.qr.code")}</span>
          <input type="text" name="code" required maxlength={32} pattern="[\p{L}\p{N}_\-]+" autocomplete="off" />
        </label>
        <label>
          <span>{t("team.qr.text")}</span>
          <textarea name="text" required maxlength={4000} rows={3}></textarea>
        </label>
        <button type="submit" class="button primary">
          {t("team.qr.save")}
        </button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title={t("team.qr.empty")} hint={t("team.qr.emptyHint")} />
      ) : (
        <ul class="team-list">
          {rows.map((r) => (
            <li class="card">
              <p>
                <b>/{r.code}</b>{" "}
                <span class="muted small">
                  {r.instanceId === null ? t("team.qr.global") : (names.get(r.instanceId) ?? "?")}
                </span>
              </p>
              <p class="pre">{r.text}</p>
              {(r.instanceId !== null || mayGlobal) && (
                <form method="post" action={`/quick-replies/${r.id}/delete`}>
                  <CsrfField />
                  <button type="submit" class="button small danger">
                    {t("team.delete")}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {instances.length > 0 && (
        <>
          <h2>{t("team.settings.title")}</h2>
          <ul class="team-list">
            {instances.map((i) => (
              <li class="card">
                <form class="stack" method="post" action={`/instances/${i.id}/team-settings`}>
                  <CsrfField />
                  <b>{i.name}</b>
                  <label class="check">
                    <input type="checkbox" name="autoAssign" checked={i.autoAssign} /> {t("team.settings.autoAssign")}
                  </label>
                  <label class="check">
                    <input type="checkbox" name="notesToTelegram" checked={i.notesToTelegram} />{" "}
                    {t("team.settings.notesToTelegram")}
                  </label>
                  <button type="submit" class="button small">
                    {t("team.settings.save")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
};
