// The per-request variables that lib's middleware sets and reads; the app's full set (AppEnv) is in src/env.ts.
import type { Config } from "../config.ts";
import type { Locale, Translate } from "./i18n.ts";
import type { Logger } from "./log.ts";

export interface RequestVars {
  /** The app's dependencies; lib reads only the configuration (the whole set is AppDeps, src/env.ts). */
  deps: { config: Config };
  log: Logger;
  requestId: string;
  locale: Locale;
  t: Translate;
  csrfToken: string;
}

/** A Hono env with lib's request variables, for lib's middleware and helpers. */
export interface RequestEnv {
  Variables: RequestVars;
}

declare module "hono" {
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: Hono's ContextRenderer is an interface, merged into here
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}
