// LOG_FILE: JSON lines in a file, secrets redacted, rotated by size keeping LOG_MAX_FILES files.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfiguredLogger, createLogger, openLogFile } from "./log.ts";

test("without LOG_FILE the logger writes to stdout (no file stream)", async () => {
  expect(await openLogFile({ LOG_MAX_SIZE: "10m", LOG_MAX_FILES: 7 })).toBeUndefined();
});

test("LOG_FILE gets redacted JSON lines; size rotation keeps at most LOG_MAX_FILES files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gi-log-"));
  const file = join(dir, "logs", "app.log");
  const log = await createConfiguredLogger("info", { LOG_FILE: file, LOG_MAX_SIZE: "1k", LOG_MAX_FILES: 3 });
  for (let i = 0; i < 120; i++) {
    log.info({ i, password: "hunter2-secret", user: { token: "tok-secret" } }, "line");
    // Rotation and the removal of old files happen between writes (on drain / asynchronously).
    if (i % 10 === 9) await Bun.sleep(20);
  }
  await Bun.sleep(200);
  const files = readdirSync(join(dir, "logs")).filter((f) => f.endsWith(".log"));
  expect(files.length).toBe(3);
  for (const f of files) expect(f).toMatch(/^app\.\d+\.log$/);
  const lines = files.flatMap((f) =>
    readFileSync(join(dir, "logs", f), "utf8")
      .split("\n")
      .filter(Boolean),
  );
  expect(lines.length).toBeGreaterThan(10);
  expect(lines.length).toBeLessThan(120);
  for (const line of lines) {
    const entry = JSON.parse(line);
    expect(entry.msg).toBe("line");
    expect(entry.password).toBe("[redacted]");
    expect(entry.user.token).toBe("[redacted]");
  }
  // The newest lines are kept, the oldest went with the removed files.
  const numbers = lines.map((l) => JSON.parse(l).i as number);
  expect(numbers).toContain(119);
  expect(numbers).not.toContain(0);

  // A restart continues the numbering, and files of the earlier run count towards the limit.
  const again = await createConfiguredLogger("info", { LOG_FILE: file, LOG_MAX_SIZE: "1k", LOG_MAX_FILES: 3 });
  for (let i = 0; i < 60; i++) {
    again.info({ run: 2, i }, "again");
    if (i % 10 === 9) await Bun.sleep(20);
  }
  await Bun.sleep(200);
  const after = readdirSync(join(dir, "logs")).filter((f) => f.endsWith(".log"));
  expect(after.length).toBe(3);
  const highest = (names: string[]) => Math.max(...names.map((f) => Number(f.split(".")[1])));
  expect(highest(after)).toBeGreaterThan(highest(files));
});

test("a failed query's parameters (customer texts) stay out of the log above debug", async () => {
  const { DrizzleQueryError } = await import("drizzle-orm/errors");
  const cause = Object.assign(new Error('invalid input syntax for type integer: "Meet me at 5, my card is 4111"'), {
    code: "22P02",
  });
  const err = new DrizzleQueryError(
    "insert into messages (text) values ($1)",
    ["Meet me at 5, my card is 4111", 42],
    cause,
  );
  const lines: string[] = [];
  const sink = { write: (line: string) => void lines.push(line) };
  createLogger("info", sink).error({ err }, "query failed");
  createLogger("debug", sink).error({ err }, "query failed");
  const [info, debug] = lines.map((l) => JSON.parse(l));
  expect(JSON.stringify(info)).not.toContain("4111");
  expect(info.err.message).toContain("insert into messages");
  expect(info.err.params).toBeUndefined();
  expect(info.err.type).toBe("DrizzleQueryError");
  // At debug, a developer sees everything.
  expect(JSON.stringify(debug)).toContain("4111");
});
