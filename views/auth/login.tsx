// Sign-in and first-admin setup pages.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { CsrfField } from "../components/csrf.tsx";

export interface LoginProps {
  username?: string;
  next?: string;
  error?: string;
  setupPending: boolean;
  /** One sign-in button per configured OAuth provider. */
  providers: { href: string; label: string }[];
}

export const LoginPage: FC<LoginProps> = ({ username, next, error, setupPending, providers }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card auth-card" aria-labelledby="login-title">
      <h1 id="login-title" class="brand-title">
        GreenInbox
      </h1>
      <p class="muted">{t("login.subtitle")}</p>
      {setupPending && (
        <p class="flash flash-info" role="status">
          {t("login.setupPending")}
        </p>
      )}
      {error && (
        <p class="flash flash-error" role="alert" id="login-error">
          {error}
        </p>
      )}
      <form method="post" action="/login" class="stack" hx-boost="false">
        <CsrfField />
        {next && <input type="hidden" name="next" value={next} />}
        <label>
          {t("login.username")}
          <input
            name="username"
            autocomplete="username"
            required
            autofocus={!username}
            value={username ?? ""}
            maxlength={64}
            aria-describedby={error ? "login-error" : undefined}
          />
        </label>
        <label>
          {t("login.password")}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength={256}
            autofocus={Boolean(username)}
          />
        </label>
        <button type="submit" class="button primary">
          {t("login.submit")}
        </button>
      </form>
      {providers.length > 0 && (
        <div class="stack oauth">
          <p class="muted or">{t("oauth.or")}</p>
          {providers.map((p) => (
            <a class="button" href={p.href} hx-boost="false">
              {t("oauth.signInWith", { provider: p.label })}
            </a>
          ))}
        </div>
      )}
    </section>
  );
};

export interface SetupProps {
  token: string;
  error?: string;
  username?: string;
  displayName?: string;
}

export const SetupPage: FC<SetupProps> = ({ token, error, username, displayName }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">{t("setup.title")}</h1>
      <p class="muted">{t("setup.intro")}</p>
      {error && (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      )}
      <form method="post" action="/setup" class="stack" hx-boost="false">
        <CsrfField />
        <input type="hidden" name="token" value={token} />
        <label>
          {t("setup.username")}
          <input
            name="username"
            autocomplete="username"
            required
            value={username ?? ""}
            pattern="[A-Za-z0-9._\-]{2,32}"
          />
        </label>
        <label>
          {t("setup.displayName")}
          <input name="displayName" autocomplete="name" value={displayName ?? ""} maxlength={80} />
        </label>
        <label>
          {t("setup.password")}
          <input name="password" type="password" autocomplete="new-password" required minlength={8} />
        </label>
        <label>
          {t("setup.confirm")}
          <input name="confirm" type="password" autocomplete="new-password" required minlength={8} />
        </label>
        <button type="submit" class="button primary">
          {t("setup.submit")}
        </button>
      </form>
    </section>
  );
};
