// What an htmx request asks for: whether it is one, and which part of the page it will swap.
import type { Context } from "hono";

/** The id of the element an htmx request will swap (`chat-pane`, `chat-results`…); undefined for whole pages. */
export function htmxTarget(c: Context): string | undefined {
  if (!c.req.header("hx-request") || c.req.header("hx-history-restore-request")) return undefined;
  return c.req.header("hx-target");
}

export function isHtmx(c: Context): boolean {
  return c.req.header("hx-request") === "true";
}
