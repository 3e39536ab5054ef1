// Users list for those who may manage users (editing arrives with the users issue).
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { UserService } from "../../src/users/service.ts";
import { formatRelative } from "../../src/lib/i18n.ts";
import { CsrfField } from "../components/csrf.tsx";

type UserListRow = Awaited<ReturnType<UserService["list"]>>[number];

/** `showAdminLinks`: the signed-in user is an admin (the audit log and backups are theirs). */
export const UsersPage: FC<{ users: UserListRow[]; showAdminLinks: boolean }> = ({ users, showAdminLinks }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <>
      <div class="page-head">
        <h1>{t("users.title")}</h1>
        <span class="actions">
          {showAdminLinks && (
            <a class="button" href="/audit">
              {t("audit.title")}
            </a>
          )}
          {showAdminLinks && (
            <a class="button" href="/backups">
              {t("backups.title")}
            </a>
          )}
          <a class="button primary" href="/users/new">
            {t("users.new")}
          </a>
        </span>
      </div>
      <UsersList users={users} />
    </>
  );
};

/**
 * The list alone: re-fetched from /users/list when EVENTS.usersChanged arrives over SSE (hx-trigger "sse:…"), so
 * sign-ins, locks, new users and changed rights show up without a reload.
 */
export const UsersList: FC<{ users: UserListRow[] }> = ({ users }) => {
  const { t, locale, user: me } = useRequestContext<AppEnv>().var;
  return (
    <ul class="cards" id="users-list" hx-get="/users/list" hx-trigger="sse:users.changed" hx-swap="outerHTML">
      {users.map((u) => (
        <li class="card" id={`user-${u.id}`}>
          <p class="card-title">
            {u.displayName} <span class="muted">@{u.username}</span>
            {u.isAdmin && <span class="badge">{t("users.admin")}</span>}
            {u.disabled && <span class="badge badge-blocked">{t("users.disabled")}</span>}
            {u.locked && <span class="badge badge-notAuthorized">{t("users.locked")}</span>}
            {u.require2fa && <span class="badge">{t("users.twoFactor")}</span>}
            {u.telegramLinked && <span class="badge">{t("users.telegram")}</span>}
          </p>
          <p class="small muted">
            {u.lastSeenAt ? t("users.lastSeen", { when: formatRelative(locale, u.lastSeenAt) }) : t("users.neverSeen")}{" "}
            · {t("users.sessions", { count: u.sessions })}
          </p>
          <a class="button small" href={`/users/${u.id}/edit`}>
            {t("users.edit")}
          </a>{" "}
          {u.sessions > 0 && u.id !== me!.id && (
            <form
              method="post"
              action={`/users/${u.id}/logout-all`}
              class="inline"
              hx-confirm={t("users.logoutAllConfirm", { name: u.displayName })}
            >
              <CsrfField />
              <button type="submit" class="button danger small">
                {t("users.logoutAll")}
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
};
