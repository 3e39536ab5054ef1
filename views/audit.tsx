// The audit log page: entries as sentences, newest first, filtered by kind of action and by who, keyset "older" link.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import { formatDateTime, type MessageKey, type Translate } from "../src/lib/i18n.ts";
import type { AUDIT_GROUPS, AuditAction, AuditGroup } from "../src/audit/actions.ts";
import type { AuditPart } from "../src/audit/sentences.ts";
import { EmptyState } from "./components/empty.tsx";

export interface AuditEntryView {
  id: number;
  at: Date;
  ip: string | null;
  sentence: AuditPart[];
}

export interface AuditProps {
  entries: AuditEntryView[];
  more: boolean;
  groups: typeof AUDIT_GROUPS;
  people: { username: string; displayName: string }[];
  filter: { action?: AuditGroup | AuditAction; actor?: string };
  retentionDays: number;
}

const groupName = (t: Translate, g: string) => t(`audit.group.${g}` as MessageKey);
const actionName = (t: Translate, a: string) => t(`audit.kind.${a}` as MessageKey);

/** A person as the "who" filter shows them: the display name, with the username when it differs. */
const personName = (p: { username: string; displayName: string }) =>
  p.displayName.toLowerCase() === p.username.toLowerCase() ? p.displayName : `${p.displayName} (${p.username})`;

export const AuditPage: FC<AuditProps> = ({ entries, more, groups, people, filter, retentionDays }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  const last = entries.at(-1);
  const query = (extra: Record<string, string>) =>
    `/audit?${new URLSearchParams({ ...(filter.action ? { action: filter.action } : {}), ...(filter.actor ? { actor: filter.actor } : {}), ...extra })}`;
  const person = filter.actor
    ? people.find((p) => p.username.toLowerCase() === filter.actor!.toLowerCase())
    : undefined;
  const shown = [
    filter.action && (filter.action in groups ? groupName(t, filter.action) : actionName(t, filter.action)),
    filter.actor && t("audit.by", { name: person ? person.displayName : filter.actor }),
  ].filter(Boolean);
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <form method="get" action="/audit" class="filters card">
        <label>
          {t("audit.action")}
          <select name="action">
            <option value="">{t("audit.all")}</option>
            {Object.entries(groups).map(([g, actions]) => (
              <optgroup label={groupName(t, g)}>
                <option value={g} selected={filter.action === g}>
                  {t("audit.groupAll", { group: groupName(t, g) })}
                </option>
                {actions.map((a) => (
                  <option value={a} selected={filter.action === a}>
                    {actionName(t, a)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t("audit.actor")}
          <select name="actor">
            <option value="">{t("audit.anyone")}</option>
            {people.map((p) => (
              <option value={p.username} selected={p === person}>
                {personName(p)}
              </option>
            ))}
            {filter.actor && !person && (
              <option value={filter.actor} selected>
                {filter.actor}
              </option>
            )}
          </select>
        </label>
        <button type="submit" class="button">
          {t("audit.filter")}
        </button>
      </form>
      <p class="muted" role="status">
        {shown.length ? (
          <>
            {t("audit.showing", { filter: shown.join(" · ") })} · <a href="/audit">{t("audit.clear")}</a>
          </>
        ) : (
          t("audit.showingAll")
        )}
      </p>
      {entries.length === 0 ? (
        <EmptyState title={t("audit.empty")} />
      ) : (
        <ul class="audit-list">
          {entries.map((e) => (
            <li>
              <time datetime={e.at.toISOString()}>{formatDateTime(locale, e.at)}</time>
              <span>{e.sentence.map((part) => (typeof part === "string" ? part : <strong>{part.name}</strong>))}</span>
              {e.ip && <small class="muted">{t("audit.from", { ip: e.ip })}</small>}
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
