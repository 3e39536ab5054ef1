// The create/edit user form: identity, password, rights, allowed numbers.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { EditableUser } from "../../src/users/manage.ts";
import { CsrfField } from "../components/csrf.tsx";

export interface UserFormProps {
  user: Partial<EditableUser> | null;
  instances: { id: number; name: string }[];
  error?: string;
}

const Check: FC<{ name: string; label: string; checked?: boolean; disabled?: boolean; hint?: string }> = ({
  name,
  label,
  checked,
  disabled,
  hint,
}) => (
  <label class="check">
    <input type="checkbox" name={name} checked={checked} disabled={disabled} />
    <span>
      {label}
      {hint && <small class="muted block">{hint}</small>}
    </span>
  </label>
);

export const UserFormPage: FC<UserFormProps> = ({ user, instances, error }) => {
  const { t, user: me } = useRequestContext<AppEnv>().var;
  const editing = user?.id !== undefined;
  const self = editing && user?.id === me!.id;
  const action = editing ? `/users/${user!.id}` : "/users";
  return (
    <>
      <p>
        <a href="/users" class="back">
          ← {t("users.title")}
        </a>
      </p>
      <h1>{editing ? t("users.editTitle", { name: user!.displayName ?? "" }) : t("users.newTitle")}</h1>
      {error && (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      )}
      <form method="post" action={action} class="stack card" hx-boost="false">
        <CsrfField />
        <label>
          {t("users.username")}
          <input
            name="username"
            required
            value={user?.username ?? ""}
            pattern="[A-Za-z0-9._\-]{2,32}"
            autocomplete="off"
          />
        </label>
        <label>
          {t("users.displayName")}
          <input name="displayName" required value={user?.displayName ?? ""} maxlength={80} />
        </label>
        <label>
          {t("users.email")}
          <input name="email" type="email" value={user?.email ?? ""} autocomplete="off" />
        </label>
        <label>
          {editing ? t("users.newPassword") : t("users.password")}
          <input name="password" type="password" autocomplete="new-password" minlength={8} required={!editing} />
          {editing && <small class="muted">{t("users.passwordKeep")}</small>}
        </label>
        <fieldset>
          <legend>{t("users.rights")}</legend>
          <Check
            name="isAdmin"
            label={t("users.flag.admin")}
            checked={user?.isAdmin}
            disabled={!me!.isAdmin || self}
            hint={t("users.flag.adminHint")}
          />
          <Check
            name="canManageUsers"
            label={t("users.flag.manageUsers")}
            checked={user?.canManageUsers}
            disabled={self && !user?.canManageUsers}
          />
          <Check
            name="canManageInstances"
            label={t("users.flag.manageInstances")}
            checked={user?.canManageInstances}
            disabled={self && !user?.canManageInstances}
          />
          <Check name="require2fa" label={t("users.flag.require2fa")} checked={user?.require2fa} />
          <Check
            name="disabled"
            label={t("users.flag.disabled")}
            checked={user?.disabled}
            disabled={self}
            hint={t("users.flag.disabledHint")}
          />
          {/* A disabled checkbox is not submitted: keep the current value. */}
          {self && user?.isAdmin && <input type="hidden" name="isAdmin" value="on" />}
        </fieldset>
        <fieldset>
          <legend>{t("users.instances")}</legend>
          {instances.length === 0 ? (
            <p class="muted">{t("users.noInstances")}</p>
          ) : (
            instances.map((i) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="instanceIds"
                  value={String(i.id)}
                  checked={user?.instanceIds?.includes(i.id)}
                />
                <span>{i.name}</span>
              </label>
            ))
          )}
        </fieldset>
        <button type="submit" class="button primary">
          {editing ? t("settings.save") : t("users.create")}
        </button>
      </form>
    </>
  );
};
