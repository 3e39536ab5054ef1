// The sign-in step before the code for a user who must use codes but has no Telegram yet: a one-time link, then "I have linked it".
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { CsrfField } from "../components/csrf.tsx";

export const LinkPage: FC<{ linkUrl?: string; error?: string }> = ({ linkUrl, error }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card auth-card" aria-labelledby="link-title">
      <h1 id="link-title">{t("twofa.linkTitle")}</h1>
      <p class="muted">{t("twofa.linkIntro")}</p>
      {error && (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      )}
      {linkUrl ? (
        <div class="stack">
          <p>{t("twofa.linkOpen")}</p>
          <a class="button primary" href={linkUrl} target="_blank" rel="noopener noreferrer">
            {t("twofa.linkOpenButton")}
          </a>
          <p class="small">
            <code>{linkUrl}</code>
          </p>
        </div>
      ) : (
        <form method="post" action="/login/link" class="stack" hx-boost="false">
          <CsrfField />
          <button type="submit" class="button primary">
            {t("twofa.linkCreate")}
          </button>
        </form>
      )}
      <form method="post" action="/login/link/done" class="stack" hx-boost="false">
        <CsrfField />
        <button type="submit" class="button">
          {t("twofa.linkDone")}
        </button>
      </form>
      <p>
        <a href="/login">{t("twofa.restart")}</a>
      </p>
    </section>
  );
};
