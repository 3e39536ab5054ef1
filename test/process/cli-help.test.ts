// Help and version through the real entry point: usage on stdout with exit 0 (a command's own for `COMMAND --help`),
// usage errors on stderr with exit 2, and neither needing a valid configuration.
import { expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { ROOT, run } from "./support.ts";

/** An environment that stops every other command with exit 2. */
const BROKEN = { PORT: "abc", DATABASE_URL: "nonsense" };

test("--help, -h and help print the whole usage to stdout and exit 0, even with a broken configuration", async () => {
  const runs = [["--help"], ["-h"], ["help"]].map(async (args) => ({ args, out: await run(args, BROKEN) }));
  for (const { args, out } of await Promise.all(runs)) {
    expect({ args, code: out.code, stderr: out.stderr }).toEqual({ args, code: 0, stderr: "" });
    expect(out.stdout).toStartWith("usage:\n");
    for (const command of [
      "[serve]",
      "migrate",
      "user add NAME",
      "instance add",
      "intake replay",
      "backup",
      "restore FILE",
      "version",
    ]) {
      expect(out.stdout).toContain(`greeninbox ${command}`);
    }
  }
});

test("COMMAND --help and help COMMAND print that command's usage only", async () => {
  const runs = [
    ["user", "--help"],
    ["help", "user"],
    ["user", "add", "-h"],
  ].map(async (args) => ({ args, out: await run(args, BROKEN) }));
  const [instance, restore] = await Promise.all([
    run(["instance", "--help"], BROKEN),
    run(["restore", "--help"], BROKEN),
  ]);
  for (const { args, out } of await Promise.all(runs)) {
    expect({ args, code: out.code, stderr: out.stderr }).toEqual({ args, code: 0, stderr: "" });
    expect(out.stdout).toContain("greeninbox user add NAME [--admin]");
    expect(out.stdout).not.toContain("greeninbox instance");
  }
  expect(instance.code).toBe(0);
  expect(instance.stdout).toContain("greeninbox instance remove ID [--keep-history]");
  expect(instance.stdout).not.toContain("greeninbox user");
  expect(restore.code).toBe(0);
  expect(restore.stdout).toContain("greeninbox restore FILE");
});

test("an unknown command, or help about one, prints the usage to stderr and exits 2", async () => {
  // A valid (empty) configuration: a plain unknown command reaches the command dispatch.
  const runs = [["frobnicate"], ["frobnicate", "--help"], ["help", "frobnicate"], ["help", "toString"]].map(
    async (args) => ({ args, out: await run(args, {}) }),
  );
  for (const { args, out } of await Promise.all(runs)) {
    expect({ args, code: out.code, stdout: out.stdout }).toEqual({ args, code: 2, stdout: "" });
    expect(out.stderr).toContain("greeninbox help [COMMAND]");
  }
});

test("bad arguments of a known command print its usage to stderr and exit 2", async () => {
  const out = await run(["restore"], {});
  expect(out.code).toBe(2);
  expect(out.stdout).toBe("");
  expect(out.stderr).toContain("greeninbox restore FILE");
});

test("version and --version work with a broken configuration", async () => {
  const [version, dashed, serve] = await Promise.all([
    run(["version"], BROKEN),
    run(["--version"], BROKEN),
    run([], BROKEN),
  ]);
  for (const out of [version, dashed]) {
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    expect(out.stdout).toStartWith(`greeninbox ${pkg.version} (bun `);
  }
  // The same broken configuration does stop the server.
  expect(serve.code).toBe(2);
});

test("npm run cli -- --help prints the usage too", async () => {
  const proc = Bun.spawn(["npm", "run", "--silent", "cli", "--", "--help"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...BROKEN },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  expect(stdout).toStartWith("usage:\n");
});
