// The second sign-in step: the 6-digit code the Telegram bot sent.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { CsrfField } from "../components/csrf.tsx";

export const CodePage: FC<{ error?: string }> = ({ error }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card auth-card" aria-labelledby="code-title">
      <h1 id="code-title">{t("twofa.title")}</h1>
      <p class="muted">{t("twofa.intro")}</p>
      {error && (
        <p class="flash flash-error" role="alert" id="code-error">
          {error}
        </p>
      )}
      <form method="post" action="/login/code" class="stack" hx-boost="false">
        <CsrfField />
        <label>
          {t("twofa.code")}
          <input
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength={7}
            required
            autofocus
            aria-describedby={error ? "code-error" : undefined}
          />
        </label>
        <button type="submit" class="button primary">
          {t("twofa.submit")}
        </button>
      </form>
      <p>
        <a href="/login">{t("twofa.restart")}</a>
      </p>
    </section>
  );
};
