// The real process: bad config exits 2, first start on PGlite, setup link, restart keeps data, data-dir lock, CLI.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "../support/app.ts";
import { freePort, run, start, tempDir } from "./support.ts";

describe("configuration errors", () => {
  test("PORT=abc stops start-up with exit 2 and one line naming the variable", async () => {
    const { code, stderr } = await run([], { PORT: "abc", DATA_DIR: tempDir() });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual(['config: PORT="abc" is invalid: expected a port number 1-65535']);
  });

  test("DATABASE_URL=nonsense stops start-up with exit 2", async () => {
    const { code, stderr } = await run([], { DATABASE_URL: "nonsense" });
    expect(code).toBe(2);
    expect(stderr).toContain("config: DATABASE_URL=");
    expect(stderr).toContain("postgres://");
  });

  test("several bad variables give one line each", async () => {
    const { code, stderr } = await run([], { PORT: "0", LOG_LEVEL: "loud", DEFAULT_LOCALE: "de" });
    expect(code).toBe(2);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split("=")[0])).toEqual(["config: PORT", "config: LOG_LEVEL", "config: DEFAULT_LOCALE"]);
  });
});

describe("first start on the embedded database", () => {
  test("redirects to /login at once, prints a setup link, keeps the admin across a restart, locks its data dir", async () => {
    const dataDir = join(tempDir(), "nested", "data");
    const port = freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" };
    const first = start([], env);
    try {
      await first.waitFor(/listening/);
      // Answered at once, even while the embedded database is still initialising.
      const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/login");
      await first.waitFor(/"msg":"ready"/);
      expect(existsSync(join(dataDir, "pglite", "PG_VERSION"))).toBe(true);

      const [, setupUrl] = await first.waitFor(/create the admin account at\s+(\S+)/);
      const agent = new Agent(`http://127.0.0.1:${port}`);
      const page = await agent.get(new URL(setupUrl!).pathname + new URL(setupUrl!).search);
      expect(page.status).toBe(200);
      const token = new URL(setupUrl!).searchParams.get("token")!;
      const created = await agent.post("/setup", {
        token,
        username: "boss",
        displayName: "The Boss",
        password: "boss-password",
        confirm: "boss-password",
      });
      expect(created.status).toBe(303);
      expect(await (await agent.get("/overview")).text()).toContain("Hello, The Boss");
      // The link works once.
      expect((await new Agent(agent.base).get(`/setup?token=${token}`)).status).toBe(404);

      // A second process on the same data dir refuses to start.
      const second = await run([], { ...env, PORT: String(freePort()) });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("in use by another GreenInbox process");
    } finally {
      first.proc.kill("SIGTERM");
    }
    expect(await first.proc.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const again = start([], env);
    try {
      await again.waitFor(/"msg":"ready"/);
      expect(again.output()).not.toContain("setup?token=");
      const agent = new Agent(`http://127.0.0.1:${port}`);
      expect((await agent.login("boss", "boss-password")).status).toBe(303);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      again.proc.kill("SIGTERM");
      await again.proc.exited;
    }
  }, 60_000);

  test("ADMIN_USERNAME/ADMIN_PASSWORD create the first admin; the CLI adds and lists users", async () => {
    const dataDir = tempDir();
    const port = freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" };
    const app = start([], { ...env, ADMIN_USERNAME: "root", ADMIN_PASSWORD: "root-password" });
    try {
      await app.waitFor(/"msg":"ready"/);
      expect(app.output()).toContain("created the first admin from ADMIN_USERNAME");
      expect((await new Agent(`http://127.0.0.1:${port}`).login("root", "root-password")).status).toBe(303);
    } finally {
      app.proc.kill("SIGTERM");
      await app.proc.exited;
    }
    const added = await run(["user", "add", "anna", "--display-name", "Anna K"], env, "anna-password\n");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const dup = await run(["user", "add", "anna"], env, "other-password\n");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('user "anna" already exists');
    const short = await run(["user", "add", "ivan"], env, "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("at least 8 characters");
    const list = await run(["user", "list"], env);
    expect(list.stdout).toContain("root\troot\tadmin,users,instances");
    expect(list.stdout).toContain("anna\tAnna K\t-");
    expect((await run(["migrate"], env)).code).toBe(0);
    expect((await run(["version"], env)).stdout).toMatch(/^greeninbox \d+\.\d+\.\d+/);
    expect((await run(["frobnicate"], env)).code).toBe(2);
  }, 60_000);
});
