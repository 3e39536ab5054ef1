// The app's error renderer: logs (< 500 at info, the rest in full), answers with a page, an htmx fragment or JSON.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./env.ts";
import { ErrorView, errorKeys } from "../views/errors.tsx";

export async function renderError(c: Context<AppEnv>, err: Error): Promise<Response> {
  const status = (err instanceof HTTPException ? err.status : 500) as ContentfulStatusCode;
  const log = c.var.log;
  if (status >= 500) log.error({ err }, "request failed");
  else log.info({ status, reason: err.message }, "request refused");

  if (err instanceof HTTPException && err.res) return err.res;
  // Green-API's webhooks skip the page machinery (no locale, no renderer: src/app.tsx): a plain JSON answer, whatever failed.
  if (c.req.path.startsWith("/webhooks/"))
    return c.json({ error: status >= 500 ? "internal error" : err.message }, status);
  const t = c.var.t;
  const detail = err instanceof HTTPException && err.message === "csrf" ? t("error.csrf") : undefined;
  if (c.req.header("accept")?.includes("application/json") && !c.req.header("accept")?.includes("text/html")) {
    return c.json({ error: t(errorKeys(status)[0]), detail }, status);
  }
  if (c.req.header("hx-request") && !c.req.header("hx-boosted")) {
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(
      <p class="flash flash-error" role="alert">
        {detail ?? t(errorKeys(status)[1])}
      </p>,
      status,
    );
  }
  c.status(status);
  const view = <ErrorView status={status} detail={detail} requestId={status >= 500 ? c.var.requestId : undefined} />;
  return c.render(view, { title: t(errorKeys(status)[0]) });
}
