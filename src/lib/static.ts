// Serves public/ from memory (see assets.ts): a URL with the file's current hash (`?v=`, from assetUrl) is cached for a
// year as immutable; any other URL of the file is revalidated with its ETag. Brotli or gzip copies when the browser
// takes them. Only names of files that exist are looked up, so no path can reach outside public/.
import type { MiddlewareHandler } from "hono";
import { asset, compressedAsset } from "./assets.ts";
import { negotiate } from "./compress.ts";
import { etagMatches } from "./page-etag.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

export function staticFiles(): MiddlewareHandler {
  return async (c) => {
    let name: string;
    try {
      name = decodeURIComponent(c.req.path.replace(/^\/public\//, ""));
    } catch {
      return c.text("Not found", 404);
    }
    const file = asset(name);
    // A missing file is answered plainly: it is asked for by a page, never shown as one.
    if (!file) return c.text("Not found", 404);
    const headers: Record<string, string> = {
      "Content-Type": file.type,
      "Cache-Control": c.req.query("v") === file.hash ? IMMUTABLE : "public, no-cache",
      ETag: file.etag,
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Resource-Policy": "same-origin",
    };
    if (file.compress) headers.Vary = "Accept-Encoding";
    // The one document here (offline.html, shown by the service worker) gets a policy of its own: no script at all.
    if (file.type.startsWith("text/html"))
      headers["Content-Security-Policy"] =
        "default-src 'self'; script-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    if (etagMatches(c.req.header("if-none-match"), file.etag)) return c.body(null, 304, headers);
    const encoding = file.compress ? negotiate(c.req.header("accept-encoding")) : null;
    if (!encoding) return c.body(file.bytes, 200, headers);
    return c.body(await compressedAsset(name, file, encoding), 200, { ...headers, "Content-Encoding": encoding });
  };
}
