// Backup files in DATA_DIR/backups: names, listing, rotation and safe lookup (downloads accept only our own names).
import { readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** A PostgreSQL custom-format dump, a PGlite data-dir tarball, or the media archive taken with one of them. */
export type BackupKind = "postgres" | "pglite" | "media";

const SUFFIX: Record<BackupKind, string> = { postgres: ".dump", pglite: ".pglite.tar.gz", media: "-media.tar.gz" };
const NAME = /^greeninbox-(\d{8}-\d{6}-\d{3})(\.dump|\.pglite\.tar\.gz|-media\.tar\.gz)$/;

export interface BackupFile {
  name: string;
  kind: BackupKind;
  size: number;
  at: Date;
  /** The media archive taken together with this database backup, if any. */
  media?: { name: string; size: number };
}

export function backupDir(dataDir: string): string {
  return join(dataDir, "backups");
}

/** greeninbox-20261125-185341-123 (UTC), unique within the folder. */
export function backupStem(now: Date, dir: string): string {
  let t = now.getTime();
  for (;;) {
    const iso = new Date(t).toISOString(); // 2026-11-25T18:53:41.123Z
    const stem = `greeninbox-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}-${iso.slice(20, 23)}`;
    const taken = Object.values(SUFFIX).some((s) => exists(join(dir, stem + s)));
    if (!taken) return stem;
    t += 1;
  }
}

export function fileName(stem: string, kind: BackupKind): string {
  return stem + SUFFIX[kind];
}

/** Parses one of our file names; anything else (including paths) is null. */
export function parseName(name: string): { stem: string; kind: BackupKind } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const kind = (Object.keys(SUFFIX) as BackupKind[]).find((k) => SUFFIX[k] === m[2])!;
  return { stem: name.slice(0, name.length - m[2]!.length), kind };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Database backups, newest first, each with its media archive when there is one. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const media = new Map<string, { name: string; size: number }>();
  const dbs: BackupFile[] = [];
  for (const name of names) {
    const parsed = parseName(name);
    if (!parsed) continue;
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    if (parsed.kind === "media") media.set(parsed.stem, { name, size: st.size });
    else dbs.push({ name, kind: parsed.kind, size: st.size, at: st.mtime });
  }
  for (const b of dbs) {
    const m = media.get(parseName(b.name)!.stem);
    if (m) b.media = m;
  }
  // Names sort by time (UTC stamp); mtime can be touched by copies.
  return dbs.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** Keeps the newest `keep` database backups (and their media archives); removes the rest, and stray media archives. */
export function rotate(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const kept = new Set(all.slice(0, keep).map((b) => parseName(b.name)!.stem));
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseName(name);
    if (!parsed || kept.has(parsed.stem)) continue;
    // A media archive whose database dump is still being written has no partner yet: leave fresh ones alone.
    if (
      parsed.kind === "media" &&
      Date.now() - statSync(join(dir, name)).mtimeMs < 60 * 60_000 &&
      !all.some((b) => parseName(b.name)!.stem === parsed.stem)
    )
      continue;
    unlinkSync(join(dir, name));
    removed.push(name);
  }
  return removed;
}

/** The full path of one of our backup files in `dir`, or null for any other name (no traversal possible). */
export function resolveBackup(dir: string, name: string): string | null {
  if (!parseName(name)) return null;
  const full = join(dir, name);
  return statSync(full, { throwIfNoEntry: false })?.isFile() ? full : null;
}
