// The quarantine panel of a number's page (its managers): notifications that could not be read, and "Process again".
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { formatDateTime } from "../../src/lib/i18n.ts";
import type { QuarantinedRow } from "../../src/greenapi/quarantine.ts";
import type { ReplayResult } from "../../src/greenapi/replay.ts";
import { CsrfField } from "../components/csrf.tsx";

export interface QuarantinePanelProps {
  instanceId: number;
  /** All of the number's quarantined notifications; `rows` are the newest of them. */
  total: number;
  rows: QuarantinedRow[];
  /** What "Process again" just did (shown once, in the panel). */
  result?: ReplayResult;
}

const panelId = (instanceId: number) => `instance-${instanceId}-quarantine`;

export const QuarantinePanel: FC<QuarantinePanelProps> = ({ instanceId, total, rows, result }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  const action = `/instances/${instanceId}/quarantine/replay`;
  return (
    <section class="card quarantine" id={panelId(instanceId)} data-testid="quarantine" data-total={total}>
      <h2>{t("intake.quarantine.title")}</h2>
      {result && (
        <p class="flash flash-ok" role="status">
          {t("intake.quarantine.replayed", { stored: result.stored, left: result.quarantined })}
        </p>
      )}
      {total === 0 ? (
        <p class="muted">{t("intake.quarantine.none")}</p>
      ) : (
        <>
          <details class="state-log">
            <summary>
              {t("intake.quarantine.summary", { count: total })} — {t("intake.quarantine.show")}
            </summary>
            <p class="muted small">{t("intake.quarantine.hint")}</p>
            <ol>
              {rows.map((r) => (
                <li data-notification={r.id}>
                  <strong>#{r.id}</strong>{" "}
                  <time datetime={r.receivedAt.toISOString()}>{formatDateTime(locale, r.receivedAt)}</time> ·{" "}
                  <code>{r.typeWebhook}</code>
                  <br />
                  <span class="muted small">{r.reason}</span>
                </li>
              ))}
            </ol>
            {total > rows.length && (
              <p class="muted small">{t("intake.quarantine.more", { count: total - rows.length })}</p>
            )}
          </details>
          <form
            method="post"
            action={action}
            hx-post={action}
            hx-target={`#${panelId(instanceId)}`}
            hx-swap="outerHTML"
            class="inline"
          >
            <CsrfField />
            <button type="submit" class="button" data-testid="quarantine-replay">
              {t("intake.quarantine.replay")}
            </button>
          </form>
        </>
      )}
    </section>
  );
};
