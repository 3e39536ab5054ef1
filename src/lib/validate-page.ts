// zValidator hooks that answer invalid input with a page (a form again, with what was wrong), in the app's own context.
import type { Context, Env } from "hono";

/** What was wrong with the input, as the forms show it: the schema's messages joined. */
export function issueText(error: { issues: readonly { message: string }[] }): string {
  return error.issues.map((i) => i.message).join("; ");
}

/**
 * A zValidator hook: invalid input gets `answer`'s response. zValidator types its hook's context with Hono's bare `Env`
 * (it cannot infer the app's), so this hands `answer` the context typed as the app's routes see it.
 */
export function answerInvalid<E extends Env>(
  answer: (c: Context<E>, error: { issues: readonly { message: string }[] }) => Response | Promise<Response>,
) {
  return (
    result: { success: true } | { success: false; error: { issues: readonly { message: string }[] } },
    c: Context,
  ): Response | Promise<Response> | undefined =>
    result.success ? undefined : answer(c as unknown as Context<E>, result.error);
}
