// Error pages and fragments: what happened and what to do, never a stack trace.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { RequestEnv } from "../src/lib/context.ts";
import type { MessageKey } from "../src/lib/i18n.ts";

const TITLES: Record<number, [MessageKey, MessageKey]> = {
  400: ["error.400.title", "error.400.hint"],
  401: ["error.401.title", "error.401.hint"],
  403: ["error.403.title", "error.403.hint"],
  404: ["error.404.title", "error.404.hint"],
  429: ["error.429.title", "error.429.hint"],
  500: ["error.500.title", "error.500.hint"],
  503: ["error.503.title", "error.503.hint"],
};

export function errorKeys(status: number): [MessageKey, MessageKey] {
  return TITLES[status] ?? TITLES[status >= 500 ? 500 : 400]!;
}

export const ErrorView: FC<{ status: number; detail?: string; requestId?: string }> = ({
  status,
  detail,
  requestId,
}) => {
  const { t } = useRequestContext<RequestEnv>().var;
  const [title, hint] = errorKeys(status);
  return (
    <section class="card error-card" role="alert">
      <p class="error-code">{status}</p>
      <h1>{t(title)}</h1>
      <p>{detail ?? t(hint)}</p>
      {requestId && <p class="muted small">{t("error.requestId", { id: requestId })}</p>}
      <p>
        <a class="button" href="/">
          {t("error.home")}
        </a>
      </p>
    </section>
  );
};
