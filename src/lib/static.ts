// Serves files from public/ (CSS, vendored htmx, icons) with a traversal guard and caching headers.
import type { MiddlewareHandler } from "hono";
import { join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { embeddedFile, isEmbedded } from "./embedded.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../../public", import.meta.url));
const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webmanifest: "application/manifest+json",
};

export function staticFiles(root = PUBLIC_DIR): MiddlewareHandler {
  return async (c) => {
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path.replace(/^\/public\//, ""));
    } catch {
      return c.notFound();
    }
    const full = normalize(join(root, rel));
    if (!full.startsWith(root + sep)) return c.notFound();
    // Inside the single binary the files are embedded (looked up by name, so no traversal is possible either).
    const file = isEmbedded() && root === PUBLIC_DIR ? embeddedFile(`public/${rel}`) : Bun.file(full);
    if (!file || !(await file.exists())) return c.notFound();
    const ext = full.slice(full.lastIndexOf(".") + 1);
    return new Response(file, {
      headers: {
        "Content-Type": TYPES[ext] ?? "application/octet-stream",
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
      },
    });
  };
}
