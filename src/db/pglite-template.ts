// The pre-initialised embedded database: a tarball of a PGlite data folder, initialised and migrated, that a fresh data
// folder is unpacked from instead of running initdb and every migration (seconds of WebAssembly). The single binary
// carries one (scripts/build.ts); from source one is made for the migrations at hand and kept in node_modules/.cache.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { embeddedFile } from "../lib/embedded.ts";
import type { Logger } from "../lib/log.ts";
import { MIGRATIONS_FOLDER, runMigrations } from "./migrate.ts";
import { openPgliteDatabase } from "./pglite.ts";

/** The template's logical path inside the single binary. */
export const EMBEDDED_TEMPLATE = "pglite/template.tar.gz";
const CACHE = fileURLToPath(new URL("../../node_modules/.cache/greeninbox", import.meta.url));

/**
 * Makes the template: initdb in memory, the migrations, then the data folder as a gzipped tarball. It keeps only the
 * app's database (the `postgres` and `template0` databases are never opened here: 15 MB less to write at each start).
 */
async function makeTemplate(log: Logger): Promise<Uint8Array<ArrayBuffer>> {
  const database = await openPgliteDatabase(null);
  try {
    await runMigrations(database, log);
    // Hand-written: DDL on databases, which the query builder has no statements for.
    for (const statement of [
      "drop database postgres",
      "alter database template0 is_template false",
      "drop database template0",
    ])
      await database.db.execute(sql.raw(statement));
    return new Uint8Array(await (await database.dumpDataDir!()).arrayBuffer());
  } finally {
    await database.close();
  }
}

/** The template for this build: the binary's own, else the cached one for these migrations, made when missing. */
export async function pgliteTemplate(log: Logger): Promise<Uint8Array<ArrayBuffer>> {
  const embedded = embeddedFile(EMBEDDED_TEMPLATE);
  if (embedded) return new Uint8Array(await embedded.arrayBuffer());
  const file = join(CACHE, `pglite-${templateKey()}.tar.gz`);
  if (existsSync(file)) return readFileSync(file);
  log.info(
    "making the embedded database's template for these migrations (once; later fresh data folders start from it)",
  );
  const template = await makeTemplate(log);
  try {
    mkdirSync(CACHE, { recursive: true });
    // Whole or not at all: another process may be making the same one.
    writeFileSync(`${file}.${process.pid}`, template);
    renameSync(`${file}.${process.pid}`, file);
  } catch (err) {
    log.info(
      { err: String(err), dir: CACHE },
      "could not keep the embedded database's template (read-only?); the next fresh data folder makes it again",
    );
  }
  return template;
}

/** Names the migrations and the PGlite release (its data-folder format) a template was made with. */
function templateKey(): string {
  const hash = createHash("sha256");
  const pglite = fileURLToPath(new URL("../package.json", import.meta.resolve("@electric-sql/pglite")));
  hash.update(JSON.parse(readFileSync(pglite, "utf8")).version);
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    const path = join(MIGRATIONS_FOLDER, name);
    if (name.endsWith(".sql") || name.endsWith(".json")) hash.update(name).update(readFileSync(path));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Unpacks a template (a gzipped tar as PGlite's dumpDataDir writes it: ustar, directories and regular files) into
 * `dir`, which must not exist: into a sibling first, then renamed, so a crash leaves no half-made database behind.
 */
export function unpackTemplate(template: Uint8Array<ArrayBuffer>, dir: string): void {
  const staging = `${dir}.unpacking`;
  rmSync(staging, { recursive: true, force: true });
  try {
    untar(Bun.gunzipSync(template), staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

function untar(tar: Uint8Array, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const text = (at: number, length: number) =>
    new TextDecoder().decode(tar.subarray(at, at + length)).replace(/\0.*$/s, "");
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const prefix = text(at + 345, 131);
    const name = normalize(`${prefix ? `${prefix}/` : ""}${text(at, 100)}`).replace(/^\/+/, "");
    const size = Number.parseInt(text(at + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(tar[at + 156]!);
    if (name.startsWith("..")) throw new Error(`template entry outside its folder: ${name}`);
    if (at + 512 + size > tar.length) throw new Error(`template truncated at ${name}`);
    const target = join(dir, name);
    if (type === "5") mkdirSync(target, { recursive: true });
    else if (type === "0" || type === "\0") {
      mkdirSync(dirname(target), { recursive: true });
      writeSparse(target, tar.subarray(at + 512, at + 512 + size));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Writes a file leaving its all-zero blocks as holes (the WAL segment is 16 MB of mostly zeros). */
function writeSparse(path: string, data: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    for (let at = 0; at < data.length; at += ZEROS.length) {
      const block = data.subarray(at, at + ZEROS.length);
      if (!ZEROS.subarray(0, block.length).equals(block)) writeSync(fd, block, 0, block.length, at);
    }
    ftruncateSync(fd, data.length);
  } finally {
    closeSync(fd);
  }
}
