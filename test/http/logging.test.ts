// Structured logs: one JSON line per request with a request id, and no secrets in any line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createLogger } from "../../src/lib/log.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

const lines: string[] = [];
let app: TestApp;

beforeAll(async () => {
  await resetDatabase();
  const log = createLogger("debug", { write: (line: string) => void lines.push(line) });
  app = await startTestApp({}, log);
  await app.deps.users.create({ username: "vera", password: "vera-secret-pw" });
}, 30_000);
afterAll(() => app.stop());

test("request lines are JSON with a request id; passwords, cookies and tokens never appear", async () => {
  const agent = new Agent(app.url);
  await agent.login("vera", "wrong-secret-pw");
  await agent.login("vera", "vera-secret-pw");
  await agent.get("/settings");
  await agent.post("/settings/logout-others");
  await new Agent(app.url).get("/setup?token=guessed-setup-token");

  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requests = parsed.filter((l) => l.msg === "request");
  expect(requests.length).toBeGreaterThanOrEqual(5);
  for (const r of requests) expect(r.reqId).toMatch(/^[0-9a-f-]{36}$/);
  expect(requests.some((r) => r.path === "/login" && r.status === 401)).toBe(true);
  expect(parsed.some((l) => l.msg === "sign-in failed" && l.username === "vera")).toBe(true);

  const all = lines.join("\n");
  const [sessionId, secret] = agent.cookies.get("gi_session")!.split(".");
  for (const secretValue of [
    "vera-secret-pw",
    "wrong-secret-pw",
    secret!,
    agent.cookies.get("gi_csrf")!,
    "guessed-setup-token",
  ]) {
    expect(all).not.toContain(secretValue);
  }
  expect(sessionId!.length).toBeGreaterThan(0);
});

test("the logger redacts secret-looking fields passed by mistake", () => {
  const captured: string[] = [];
  const log = createLogger("info", { write: (l: string) => void captured.push(l) });
  log.info(
    { password: "p4ss", apiTokenInstance: "tok", headers: { cookie: "gi_session=x" }, nested: { token: "t0k" } },
    "oops",
  );
  expect(captured[0]).not.toContain("p4ss");
  expect(captured[0]).not.toContain("gi_session=x");
  expect(captured[0]).not.toContain('"t0k"');
  expect(captured[0]).toContain("[redacted]");
});
