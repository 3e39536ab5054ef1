// Files embedded in the single binary (`npm run build`): public/, migrations, PGlite's wasm, data bundle and template.
// The build's entry registers them before the app starts; from source nothing is registered and files come from disk.

/** Logical path ("public/app.css", "drizzle/meta/_journal.json", "pglite/pglite.wasm") → a path Bun.file can read. */
let files: ReadonlyMap<string, string> | null = null;

export function registerEmbeddedFiles(map: Record<string, string>): void {
  files = new Map(Object.entries(map));
}

/** True inside the compiled binary. */
export function isEmbedded(): boolean {
  return files !== null;
}

/** The embedded file at a logical path, or null (also when not running from the binary). */
export function embeddedFile(path: string): ReturnType<typeof Bun.file> | null {
  const real = files?.get(path);
  return real ? Bun.file(real) : null;
}

/** Where node:fs reads the embedded file at a logical path (Bun.file's `name` is only its base name), or null. */
export function embeddedFilePath(path: string): string | null {
  return files?.get(path) ?? null;
}

/** Logical paths under a prefix ("drizzle/"). */
export function embeddedPaths(prefix: string): string[] {
  return files ? [...files.keys()].filter((p) => p.startsWith(prefix)) : [];
}
