// Personal settings: language and sessions.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/lib/context.ts";
import { CsrfField } from "./components/csrf.tsx";

export const SettingsPage: FC<{ otherSessions: number }> = ({ otherSessions }) => {
  const { t, user } = useRequestContext<AppEnv>().var;
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <section class="card">
        <h2>{t("settings.language")}</h2>
        <form method="post" action="/settings/locale" class="stack">
          <CsrfField />
          <label>
            {t("settings.language")}
            <select name="locale">
              <option value="" selected={user!.locale === null}>{t("settings.languageAuto")}</option>
              <option value="en" selected={user!.locale === "en"}>English</option>
              <option value="ru" selected={user!.locale === "ru"}>Русский</option>
            </select>
          </label>
          <button type="submit" class="button">{t("settings.save")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("settings.sessions")}</h2>
        <p>{t("settings.otherSessions", { count: otherSessions })}</p>
        <form method="post" action="/settings/logout-others" hx-confirm={t("settings.logoutOthersConfirm")}>
          <CsrfField />
          <button type="submit" class="button danger" disabled={otherSessions === 0}>{t("settings.logoutOthers")}</button>
        </form>
      </section>
    </>
  );
};
