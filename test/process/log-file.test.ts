// LOG_FILE: the real server writes its JSON log lines into the (rotated) file instead of stdout.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../support/wait.ts";
import { freePort, start, tempDir } from "./support.ts";

test("with LOG_FILE the server writes JSON lines there and not to stdout", async () => {
  const dir = tempDir();
  const port = freePort();
  const logDir = join(dir, "logs");
  const app = start([], {
    DATA_DIR: join(dir, "data"),
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_FILE: join(logDir, "greeninbox.log"),
  });
  const read = () =>
    existsSync(logDir)
      ? readdirSync(logDir)
          .filter((f) => f.endsWith(".log"))
          .map((f) => readFileSync(join(logDir, f), "utf8"))
          .join("")
      : "";
  try {
    await waitFor(() => read().includes('"msg":"ready"'), {
      timeout: 30_000,
      interval: 100,
      stopIf: () => app.proc.exitCode !== null,
      message: '"ready" in the log file',
    });
    expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
  } finally {
    app.proc.kill("SIGTERM");
    await app.proc.exited;
  }
  const lines = read().trim().split("\n");
  const entries = lines.map((l) => JSON.parse(l) as { msg: string; level: number; time: number });
  expect(entries.map((e) => e.msg)).toContain("ready");
  expect(entries.map((e) => e.msg)).toContain("stopped");
  expect(entries.every((e) => typeof e.level === "number" && typeof e.time === "number")).toBe(true);
  expect(app.output()).not.toContain('"msg":"ready"');
}, 60_000);
