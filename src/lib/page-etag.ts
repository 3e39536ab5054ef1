// HTML answers carry a weak ETag of their bytes and answer 304 to a browser that already holds them. They stay private
// and are revalidated every time (`private, no-cache`): one user's page never sits in a shared cache, and a reload costs
// a 304 instead of the page.
import type { MiddlewareHandler } from "hono";
import { addVary } from "./compress.ts";

/** True when If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => bare(tag) === bare(etag));
}

export function pageEtag(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method !== "GET" || !res.body || !/^text\/html\b/i.test(res.headers.get("content-type") ?? "")) return;
    if (!res.headers.has("cache-control")) res.headers.set("cache-control", "private, no-cache");
    // The same URL answers a whole page or an htmx fragment: a browser must not show one for the other (back button).
    addVary(res.headers, "HX-Request");
    if (res.status !== 200 || res.headers.has("etag")) return;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const etag = `W/"${Bun.hash(bytes).toString(36)}"`;
    if (etagMatches(c.req.header("if-none-match"), etag)) {
      c.res = new Response(null, { status: 304, headers: res.headers });
      c.res.headers.delete("content-length");
    } else {
      c.res = new Response(bytes, { status: 200, headers: res.headers });
    }
    c.res.headers.set("etag", etag);
  };
}
