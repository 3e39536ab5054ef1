// The external tools behind backups: pg_dump / pg_restore (PostgreSQL client) and tar (media), with clear errors.

/** A backup or restore that could not run; `message` is meant for the admin page, the log and the terminal. */
export class BackupError extends Error {
  override readonly name = "BackupError";
  constructor(
    message: string,
    readonly reason: "toolMissing" | "versionMismatch" | "failed" | "notEmpty" | "badFile",
  ) {
    super(message);
  }
}

export interface BackupTools {
  /** Program names or paths (tests point them elsewhere). */
  pgDump: string;
  pgRestore: string;
  tar: string;
}

export const defaultTools: BackupTools = { pgDump: "pg_dump", pgRestore: "pg_restore", tar: "tar" };

/** postgres.js-style URL → libpq URL without the password (it goes in PGPASSWORD, not on the command line). */
export function libpqTarget(databaseUrl: string): { url: string; env: Record<string, string> } {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { url: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** Runs a tool to completion; a missing program or a failure becomes a BackupError with its message. */
export async function runTool(program: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const path = Bun.which(program);
  if (!path) {
    const pg = program.includes("pg_");
    throw new BackupError(
      pg
        ? `${program} was not found: install the PostgreSQL client tools of your server's major version (e.g. apt install postgresql-client-16) and make sure ${program} is on PATH`
        : `${program} was not found on PATH`,
      "toolMissing",
    );
  }
  const proc = Bun.spawn([path, ...args], {
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([
    new Response(proc.stderr).text(),
    proc.exited,
    new Response(proc.stdout).text(),
  ]);
  if (code === 0) return;
  const text = stderr.trim();
  const mismatch = /server version: ([\d.]+)[^;\n]*; \S+ version: ([\d.]+)/.exec(text);
  if (/version mismatch/i.test(text) && mismatch) {
    const server = mismatch[1]!.split(".")[0];
    throw new BackupError(
      `${program} ${mismatch[2]} is older than the PostgreSQL ${mismatch[1]} server: install the version ${server} client tools (e.g. apt install postgresql-client-${server})`,
      "versionMismatch",
    );
  }
  throw new BackupError(
    `${program} failed (exit ${code}): ${text.split("\n").slice(-3).join(" ").slice(0, 500) || "no output"}`,
    "failed",
  );
}
