// A whole run of the real server on a fresh embedded database — first start, a request served, SIGTERM — writes only
// JSON lines to stdout (what `journalctl -o cat | jq .` reads); the setup link and its token go to stderr only.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { freePort, start, tempDir } from "./support.ts";

test("every stdout line of a start, a request and a stop is JSON; the setup link is on stderr only", async () => {
  const port = freePort();
  const app = start([], {
    DATA_DIR: join(tempDir(), "data"),
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
  });
  try {
    await app.waitFor(/"msg":"ready"/, 30_000);
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    await login.text();
  } finally {
    app.proc.kill("SIGTERM");
  }
  expect(await app.finished()).toBe(0);

  const lines = app.stdout().split("\n");
  expect(lines.pop()).toBe(""); // the output ends with a newline
  const records = lines.map((line) => {
    try {
      return JSON.parse(line) as { msg: string; level: number };
    } catch {
      throw new Error(`not a JSON line on stdout: ${JSON.stringify(line)}`);
    }
  });
  const messages = records.map((r) => r.msg);
  for (const expected of ["listening", "ready", "stopped"]) expect(messages).toContain(expected);
  expect(messages.some((m) => m.startsWith("no users yet: a one-time setup link"))).toBe(true);
  expect(records).toContainEqual(expect.objectContaining({ msg: "request", path: "/login", status: 200 }));

  const [, link] = app.stderr().match(/First start: create the admin account at\s+(\S+)/) ?? [];
  expect(link).toStartWith(`http://127.0.0.1:${port}/setup?token=`);
  const token = new URL(link!).searchParams.get("token")!;
  expect(token.length).toBeGreaterThan(20);
  expect(app.stdout()).not.toContain(token);
  expect(app.stdout()).not.toContain("/setup?");
}, 60_000);
