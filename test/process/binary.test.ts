// The single binary: `npm run build` makes dist/greeninbox; copied alone into an empty folder and started with no
// configuration it creates ./data (embedded PGlite from the embedded wasm), migrates from the embedded migrations and
// serves the login page with the embedded static files. Its subcommands work the same way.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { waitFor } from "../support/wait.ts";
import { freePort, ROOT, tempDir } from "./support.ts";

let dir: string;
let binary: string;
const dirs: string[] = [];

/** Only PATH and HOME: nothing else from the test's environment (no DATABASE_URL, no DATA_DIR). */
const bare = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/tmp",
  ...extra,
});

async function exec(args: string[], cwd: string, env: Record<string, string> = {}, stdin = "") {
  const proc = Bun.spawn([binary, ...args], {
    cwd,
    env: bare(env),
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

beforeAll(async () => {
  const build = Bun.spawn(["npm", "run", "build"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) throw new Error(`npm run build failed (${code}):\n${out}\n${err}`);
  dir = tempDir();
  dirs.push(dir);
  binary = join(dir, "greeninbox");
  copyFileSync(join(ROOT, "dist/greeninbox"), binary);
  expect(readdirSync(dir)).toEqual(["greeninbox"]);
}, 180_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("--version and version print the version, --help the usage, even with a broken configuration", async () => {
  for (const arg of ["--version", "version"]) {
    const { code, stdout } = await exec([arg], dir, { PORT: "abc" });
    expect(code).toBe(0);
    expect(stdout).toStartWith(`greeninbox ${pkg.version} `);
  }
  const help = await exec(["--help"], dir, { PORT: "abc" });
  expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: "" });
  expect(help.stdout).toContain("greeninbox restore FILE");
});

test("started alone with no configuration, it serves the login page and its static files", async () => {
  const port = freePort();
  const proc = Bun.spawn([binary], { cwd: dir, env: bare({ PORT: String(port) }), stdout: "pipe", stderr: "pipe" });
  let output = "";
  let errors = "";
  void (async () => {
    for await (const chunk of proc.stdout) output += new TextDecoder().decode(chunk);
  })();
  void (async () => {
    for await (const chunk of proc.stderr) errors += new TextDecoder().decode(chunk);
  })();
  try {
    await waitFor(() => output.includes('"msg":"ready"'), {
      timeout: 60_000,
      stopIf: () => proc.exitCode !== null,
      message: () => `"ready" from the binary; output:\n${output}${errors}`,
    });
    expect(output).toContain('"msg":"ready"');
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('name="password"');
    // Linked by a hashed URL (from the embedded bytes), cached as immutable.
    const hashed = /\/public\/app\.css\?v=[0-9a-f]{16}/.exec(html)?.[0];
    expect(hashed).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${port}${hashed}`)).headers.get("cache-control")).toBe(
      "public, max-age=31536000, immutable",
    );
    for (const path of ["/public/app.css", "/public/app.js", "/public/vendor/htmx.min.js", "/public/icon.svg"]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(Bun.file(join(ROOT, path.slice(1))).size);
    }
    const outside = await fetch(`http://127.0.0.1:${port}/public/..%2F..%2Fpackage.json`, { redirect: "manual" });
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('"dependencies"');
    // The default DATA_DIR is ./data next to where it runs; the embedded migrations were applied.
    expect(existsSync(join(dir, "data", "pglite", "PG_VERSION"))).toBe(true);
    expect(output).toContain("database migrations up to date");
    expect(errors).toContain("First start: create the admin account");
  } finally {
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  }
}, 90_000);

test("the subcommands: migrate, user add/list, backup, and restore into an empty data dir", async () => {
  expect((await exec(["migrate"], dir)).code).toBe(0);
  const added = await exec(["user", "add", "boss", "--admin"], dir, {}, "boss-password\n");
  expect(added.stdout).toContain("created user boss (admin)");
  expect((await exec(["user", "list"], dir)).stdout).toContain("boss\t");

  const backup = await exec(["backup"], dir);
  expect(backup.code).toBe(0);
  const [name] = backup.stdout.trim().split("\t");
  expect(name).toMatch(/\.pglite\.tar\.gz$/);

  const other = tempDir();
  dirs.push(other);
  const restored = await exec(["restore", join(dir, "data", "backups", name!)], other);
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
  expect((await exec(["user", "list"], other)).stdout).toContain("boss\t");
  const again = await exec(["restore", join(dir, "data", "backups", name!)], other);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("already holds a database");
}, 120_000);
