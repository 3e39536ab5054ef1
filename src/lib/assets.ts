// The files of public/ (CSS, JS, vendored htmx, the icon), read once into memory with a hash of their bytes: views link
// them by `assetUrl()` (`/public/app.css?v=<hash>`), so a new release is a new URL and browsers may keep each for a year.
// Their compressed copies are made on first request and kept (the files are few and small).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { compressible, compressOnce, MIN_COMPRESS_BYTES, type Encoding } from "./compress.ts";
import { embeddedFilePath, embeddedPaths, isEmbedded } from "./embedded.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../../public", import.meta.url));
const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webmanifest: "application/manifest+json",
  html: "text/html; charset=utf-8",
};

export interface Asset {
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
  /** First 16 hex digits of the bytes' SHA-256. */
  hash: string;
  etag: string;
  /** Whether compressed copies are offered (a text type, and big enough to pay). */
  compress: boolean;
}

let assets: Map<string, Asset> | null = null;
const compressed = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** name under public/ ("vendor/htmx.min.js") → bytes; inside the single binary, the embedded copies. */
function readAll(): Map<string, Uint8Array<ArrayBuffer>> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  if (isEmbedded()) {
    for (const path of embeddedPaths("public/"))
      files.set(path.slice("public/".length), new Uint8Array(readFileSync(embeddedFilePath(path)!)));
  } else {
    for (const full of walk(PUBLIC_DIR))
      files.set(relative(PUBLIC_DIR, full).split(sep).join("/"), new Uint8Array(readFileSync(full)));
  }
  return files;
}

function load(): Map<string, Asset> {
  const loaded = new Map<string, Asset>();
  for (const [name, bytes] of readAll()) {
    const hash = new Bun.CryptoHasher("sha256").update(bytes).digest("hex").slice(0, 16);
    const type = TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";
    loaded.set(name, {
      bytes,
      type,
      hash,
      etag: `W/"${hash}"`,
      compress: compressible(type) && bytes.length >= MIN_COMPRESS_BYTES,
    });
  }
  assets = loaded;
  return loaded;
}

/** The file at a name under public/, or undefined (names are looked up, never joined to a path). */
export function asset(name: string): Asset | undefined {
  return (assets ?? load()).get(name);
}

/** The URL views use for a file of public/: it changes whenever the file's bytes do. Throws for a file that is not there. */
export function assetUrl(name: string): string {
  const found = asset(name);
  if (!found) throw new Error(`no file public/${name}`);
  return `/public/${name}?v=${found.hash}`;
}

/** The file compressed with `encoding`, made once (off the event loop) and kept. */
export function compressedAsset(name: string, file: Asset, encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
  const key = `${encoding}:${name}`;
  let copy = compressed.get(key);
  if (!copy) {
    copy = compressOnce(file.bytes, encoding);
    compressed.set(key, copy);
  }
  return copy;
}

/** The stylesheets every page links, in order (views/layout.tsx; the service worker keeps them too). */
export const PAGE_STYLES = ["app.css", "inbox.css", "team.css", "viewer.css", "phone.css"] as const;

/** The scripts every page loads, deferred, in order (views/layout.tsx; the service worker keeps them too). */
export const PAGE_SCRIPTS = [
  "vendor/htmx.min.js",
  "vendor/htmx-ext-sse.js",
  "app.js",
  "team.js",
  "emoji.js",
  "viewer.js",
  "voice.js",
  "gestures.js",
  "push.js",
  "install.js",
] as const;
