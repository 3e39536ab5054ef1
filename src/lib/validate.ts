// zValidator hooks for the common refusals: invalid input ends the request with an HTTP error (the error page, or the
// flash fragment htmx shows), like the hand-written checks they replace.
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Invalid input: `status` with `message` (the error page renders it in the user's language by status). */
export function failWith(status: ContentfulStatusCode, message: string) {
  return (result: { success: boolean }): void => {
    if (!result.success) throw new HTTPException(status, { message });
  };
}

/** Ids in URLs: a positive safe integer within PostgreSQL's `integer`; anything else is no row. */
export const ID_MAX = 2_147_483_647;
