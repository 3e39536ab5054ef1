// The sign-in page as the routes render it: what it shows besides the form (pending setup, OAuth buttons) comes from here.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env.ts";
import { LoginPage, type LoginProps } from "../../views/auth/login.tsx";
import { signInLinks } from "./oauth/providers.ts";

/** Renders the sign-in page with `status`, an optional error and the values to keep in the form. */
export function renderLogin(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  props: Omit<LoginProps, "setupPending" | "providers"> = {},
) {
  c.status(status);
  const { setup, config } = c.var.deps;
  return c.render(<LoginPage {...props} setupPending={setup.token !== null} providers={signInLinks(config)} />, {
    title: c.var.t("login.title"),
  });
}
