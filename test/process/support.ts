// Runs the real entry point (src/main.ts) as a child process, as `npm start` and `npm run cli` do.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "../..");
const BUN = process.execPath;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "gi-proc-"));
}

export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** A clean environment: nothing from the developer's shell leaks in (e.g. DATABASE_URL). */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    LOG_LEVEL: "info",
    GREEN_API_ALLOW_PRIVATE_HOSTS: "true",
    ...extra,
  };
}

export interface Proc {
  proc: Subprocess<"pipe", "pipe", "pipe">;
  /** Standard output and error as they arrived, interleaved. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** The exit code, once the process has exited and all of its output has been read. */
  finished(): Promise<number>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function start(args: string[], env: Record<string, string>): Proc {
  const proc = Bun.spawn([BUN, "src/main.ts", ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const apart = { stdout: "", stderr: "" };
  const pump = async (name: keyof typeof apart, stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      out += text;
      apart[name] += text;
    }
  };
  const pumped = Promise.all([pump("stdout", proc.stdout), pump("stderr", proc.stderr)]);
  return {
    proc,
    output: () => out,
    stdout: () => apart.stdout,
    stderr: () => apart.stderr,
    finished: async () => (await Promise.all([proc.exited, pumped]))[0],
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const m = out.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null) break;
        await Bun.sleep(25);
      }
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${out}`);
    },
  };
}

/** Runs a command to completion with optional stdin. */
export async function run(
  args: string[],
  env: Record<string, string>,
  stdin = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([BUN, "src/main.ts", ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdin: new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}
