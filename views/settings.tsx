// Personal settings: profile, password, language and sessions.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import { formatRelative, LOCALE_NAMES, locales } from "../src/lib/i18n.ts";
import { describeUserAgent } from "../src/lib/user-agent.ts";
import type { SessionRow } from "../src/auth/sessions.ts";
import { CsrfField } from "./components/csrf.tsx";
import { PushSettings, type PushSettingsProps } from "./push-settings.tsx";

export interface SettingsProps {
  sessions: Pick<SessionRow, "id" | "userAgent" | "ip" | "createdAt" | "lastVerifiedAt">[];
  error?: { section: "profile" | "password"; text: string };
  /** Null when the Telegram bot is off. */
  telegram: { linked: boolean; require2fa: boolean; linkUrl?: string } | null;
  /** Notifications on this device (Web Push). */
  push: PushSettingsProps;
}

export const SettingsPage: FC<SettingsProps> = ({ sessions, error, telegram, push }) => {
  const { t, user, locale, session } = useRequestContext<AppEnv>().var;
  const others = sessions.filter((s) => s.id !== session!.id);
  const problem = (section: "profile" | "password") =>
    error?.section === section && (
      <p class="flash flash-error" role="alert">
        {error.text}
      </p>
    );
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">{t("settings.profile")}</h2>
        {problem("profile")}
        <form method="post" action="/settings/profile" class="stack">
          <CsrfField />
          <label>
            {t("users.displayName")}
            <input name="displayName" required maxlength={80} value={user!.displayName} />
          </label>
          <button type="submit" class="button">
            {t("settings.save")}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">{t("settings.password")}</h2>
        {problem("password")}
        <form method="post" action="/settings/password" class="stack" hx-boost="false">
          <CsrfField />
          <input type="text" name="username" value={user!.username} autocomplete="username" hidden />
          <label>
            {t("settings.currentPassword")}
            <input name="current" type="password" required autocomplete="current-password" />
          </label>
          <label>
            {t("users.newPassword")}
            <input name="password" type="password" required minlength={8} autocomplete="new-password" />
          </label>
          <label>
            {t("setup.confirm")}
            <input name="confirm" type="password" required minlength={8} autocomplete="new-password" />
          </label>
          <small class="muted">{t("settings.passwordHint")}</small>
          <button type="submit" class="button">
            {t("settings.changePassword")}
          </button>
        </form>
      </section>
      {telegram && (
        <section class="card" aria-labelledby="telegram-title">
          <h2 id="telegram-title">Telegram</h2>
          <p>{telegram.linked ? t("settings.tgLinked") : t("settings.tgNotLinked")}</p>
          {telegram.linkUrl && (
            <p class="flash flash-info">
              {t("settings.tgOpen")}{" "}
              <a href={telegram.linkUrl} target="_blank" rel="noopener noreferrer">
                {telegram.linkUrl}
              </a>
            </p>
          )}
          <div class="actions">
            <form method="post" action="/settings/telegram/link" class="inline">
              <CsrfField />
              <button type="submit" class="button">
                {telegram.linked ? t("settings.tgRelink") : t("settings.tgLink")}
              </button>
            </form>
            {telegram.linked && !telegram.require2fa && (
              <form
                method="post"
                action="/settings/telegram/2fa"
                class="inline"
                hx-confirm={t("settings.tg2faConfirm")}
              >
                <CsrfField />
                <button type="submit" class="button primary">
                  {t("settings.tg2faOn")}
                </button>
              </form>
            )}
            {telegram.linked && !telegram.require2fa && (
              <form
                method="post"
                action="/settings/telegram/unlink"
                class="inline"
                hx-confirm={t("settings.tgUnlinkConfirm")}
              >
                <CsrfField />
                <button type="submit" class="button danger">
                  {t("settings.tgUnlink")}
                </button>
              </form>
            )}
          </div>
          {telegram.require2fa && <p class="muted small">{t("settings.tg2faIsOn")}</p>}
        </section>
      )}
      <PushSettings {...push} />
      <section class="card">
        <h2>{t("settings.language")}</h2>
        <form method="post" action="/settings/locale" class="stack">
          <CsrfField />
          <label>
            {t("settings.language")}
            <select name="locale">
              <option value="" selected={user!.locale === null}>
                {t("settings.languageAuto")}
              </option>
              {locales.map((l) => (
                <option value={l} selected={user!.locale === l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="button">
            {t("settings.save")}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("settings.sessions")}</h2>
        <ul class="session-list">
          {sessions.map((s) => (
            <li>
              <span>
                <strong>{describeUserAgent(s.userAgent) ?? t("settings.unknownDevice")}</strong>
                {s.id === session!.id && <span class="badge">{t("settings.thisDevice")}</span>}
                <br />
                <small class="muted">
                  {s.ip ?? "?"} · {t("settings.lastUsed", { when: formatRelative(locale, s.lastVerifiedAt) })}
                </small>
              </span>
              {s.id !== session!.id && (
                <form method="post" action={`/settings/sessions/${s.id}/end`} class="inline">
                  <CsrfField />
                  <button type="submit" class="button small danger">
                    {t("settings.endSession")}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        <p>{t("settings.otherSessions", { count: others.length })}</p>
        <form method="post" action="/settings/logout-others" hx-confirm={t("settings.logoutOthersConfirm")}>
          <CsrfField />
          <button type="submit" class="button danger" disabled={others.length === 0}>
            {t("settings.logoutOthers")}
          </button>
        </form>
      </section>
    </>
  );
};
