// The audit log page: filter by kind of action and by who, newest first, keyset "older" link.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import { formatDateTime, type MessageKey } from "../src/lib/i18n.ts";
import type { auditLog } from "../src/db/schema/index.ts";
import { EmptyState } from "./components/empty.tsx";

type Row = typeof auditLog.$inferSelect;
const GROUPS = ["auth", "user", "sessions", "instance", "chat", "message", "backup"] as const;

export interface AuditProps {
  rows: Row[];
  more: boolean;
  filter: { action?: string; actor?: string };
  retentionDays: number;
}

export const AuditPage: FC<AuditProps> = ({ rows, more, filter, retentionDays }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  const last = rows.at(-1);
  const query = (extra: Record<string, string>) =>
    `/audit?${new URLSearchParams({ ...(filter.action ? { action: filter.action } : {}), ...(filter.actor ? { actor: filter.actor } : {}), ...extra })}`;
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <form method="get" action="/audit" class="filters card">
        <label>
          {t("audit.action")}
          <select name="action">
            <option value="">{t("audit.all")}</option>
            {GROUPS.map((g) => (
              <option value={g} selected={filter.action === g}>
                {t(`audit.group.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.actor")}
          <input name="actor" value={filter.actor ?? ""} maxlength={64} />
        </label>
        <button type="submit" class="button">
          {t("audit.filter")}
        </button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title={t("audit.empty")} />
      ) : (
        <ul class="audit-list">
          {rows.map((r) => (
            <li>
              <time datetime={r.at.toISOString()}>{formatDateTime(locale, r.at)}</time>
              <span>
                <strong>{r.actor ?? "—"}</strong> <code>{r.action}</code>{" "}
                {r.target && <span class="muted">{r.target}</span>}
              </span>
              <small class="muted">
                {[r.ip, r.details ? JSON.stringify(r.details) : null].filter(Boolean).join(" · ")}
              </small>
            </li>
          ))}
        </ul>
      )}
      {more && last && (
        <p>
          <a class="button" href={query({ before: `${last.at.toISOString()}|${last.id}` })}>
            {t("audit.older")}
          </a>
        </p>
      )}
      <p class="muted small">{t("audit.retention", { count: retentionDays })}</p>
    </>
  );
};
