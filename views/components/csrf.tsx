// The hidden CSRF field every form carries (htmx requests also send it as a header).
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";

export const CsrfField = () => {
  const c = useRequestContext<AppEnv>();
  return <input type="hidden" name="_csrf" value={c.var.csrfToken} />;
};
