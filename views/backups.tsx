// The backups page (administrators): schedule, "back up now" with a busy state, the list with downloads, last error.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import { formatDateTime } from "../src/lib/i18n.ts";
import type { BackupFile } from "../src/backups/files.ts";
import type { BackupStatus } from "../src/backups/service.ts";
import { EmptyState } from "./components/empty.tsx";
import { CsrfField } from "./components/csrf.tsx";

export interface BackupsProps {
  backups: BackupFile[];
  status: BackupStatus;
  settings: { intervalHours: number; keep: number; media: boolean; dir: string };
  /** The outcome of "back up now" when answered in place (htmx). */
  notice?: { kind: "ok" | "error"; text: string } | null;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export const BackupsPage: FC<BackupsProps> = (props) => {
  const { t } = useRequestContext<AppEnv>().var;
  const { settings } = props;
  return (
    <>
      <div class="page-head">
        <h1>{t("backups.title")}</h1>
      </div>
      <p class="muted">
        {settings.intervalHours > 0
          ? t("backups.schedule", { count: settings.intervalHours, keep: settings.keep, dir: settings.dir })
          : t("backups.scheduleOff", { keep: settings.keep })}{" "}
        {t(settings.media ? "backups.media" : "backups.noMedia")}
      </p>
      <BackupsSection {...props} />
      <p class="muted small">{t("backups.restoreHint")}</p>
    </>
  );
};

/** The part "back up now" replaces in place. */
export const BackupsSection: FC<BackupsProps> = ({ backups, status, notice }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  return (
    <section id="backups" aria-busy={status.running ? "true" : undefined}>
      <form
        method="post"
        action="/backups"
        hx-post="/backups"
        hx-target="#backups"
        hx-swap="outerHTML"
        hx-disabled-elt="find button"
        class="backup-now"
      >
        <CsrfField />
        <button type="submit" class="button primary">
          <span class="idle-label">{t("backups.now")}</span>
          <span class="busy-label" aria-hidden="true">
            {t("backups.running")}
          </span>
        </button>
      </form>
      {notice && (
        <p class={`flash flash-${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
          {notice.text}
        </p>
      )}
      {!notice && status.lastError && (
        <p class="flash flash-error" role="alert">
          {t("backups.lastError", {
            when: formatDateTime(locale, status.lastError.at),
            reason: status.lastError.message,
          })}
        </p>
      )}
      {backups.length === 0 ? (
        <EmptyState title={t("backups.empty")} hint={t("backups.emptyHint")} />
      ) : (
        <ul class="cards backup-list">
          {backups.map((b) => (
            <li class="card">
              <p class="card-title">
                <time datetime={b.at.toISOString()}>{formatDateTime(locale, b.at)}</time>
              </p>
              <p class="muted">
                {formatBytes(b.size)} · {t(b.kind === "postgres" ? "backups.kind.postgres" : "backups.kind.pglite")}
              </p>
              <p class="muted small">
                <code>{b.name}</code>
              </p>
              <p class="actions">
                <a class="button" href={`/backups/${encodeURIComponent(b.name)}`} download hx-boost="false">
                  {t("backups.download")}
                </a>
                {b.media && (
                  <a class="button" href={`/backups/${encodeURIComponent(b.media.name)}`} download hx-boost="false">
                    {t("backups.downloadMedia")} ({formatBytes(b.media.size)})
                  </a>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
