// `greeninbox instance add | list | remove` through the real entry point against the fake Green-API: the token comes
// from a file or stdin (never argv, never printed), the credentials are verified and the settings applied as the
// web form does.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { createFreshDatabase, type FreshDatabase } from "../support/db.ts";
import { waitFor } from "../support/wait.ts";
import { run, tempDir } from "./support.ts";

const ID = 7103555001;
const ID2 = 7103555002;
const TOKEN = "0f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a697801";
const TOKEN2 = "99887766554433221100998877665544332211009988776655";
let fake: FakeGreenApi;
let fresh: FreshDatabase;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  fake = startFakeGreenApi({ webhookDelivery: false, timings: { startingMs: 50 } });
  fake.control.createInstance({ idInstance: ID, apiTokenInstance: TOKEN, state: "authorized" });
  fake.control.createInstance({ idInstance: ID2, apiTokenInstance: TOKEN2, state: "notAuthorized" });
  fresh = await createFreshDatabase();
  // The child processes open the database themselves (PGlite allows one process at a time).
  await fresh.database.close();
  env = { ...fresh.childEnv, PUBLIC_URL: "https://inbox.example.com", LOG_LEVEL: "debug" };
  dir = tempDir();
}, 30_000);

afterAll(async () => {
  await fresh.dropDb();
  await fake.stop();
});

const hosts = () => ["--api-url", fake.url, "--media-url", fake.mediaUrl];

/** Runs the CLI and checks no secret shows up in what it printed. */
async function cli(args: string[], stdin = "") {
  const out = await run(args, env, stdin);
  for (const secret of [TOKEN, TOKEN2, "deadbeef".repeat(6)]) {
    expect(out.stdout).not.toContain(secret);
    expect(out.stderr).not.toContain(secret);
  }
  return out;
}

test("a token on the command line is refused before anything happens", async () => {
  const out = await cli(["instance", "add", "--name", "Sales", "--id", String(ID), "--token", TOKEN, ...hosts()]);
  expect(out.code).toBe(2);
  expect(out.stderr).toContain("never from the command line");
  expect(fake.control.requests(ID)).toHaveLength(0);
});

test("a wrong token is refused with the form's clear error; nothing is saved", async () => {
  const file = join(dir, "wrong.token");
  writeFileSync(file, `${"deadbeef".repeat(6)}\n`);
  const out = await cli(["instance", "add", "--name", "Sales", "--id", String(ID), "--token-file", file, ...hosts()]);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(/token/i);
  const list = await cli(["instance", "list"]);
  expect(list.stdout.trim()).toBe("");
});

test("add with the token on stdin verifies it and applies the webhook settings at Green-API", async () => {
  const out = await cli(
    ["instance", "add", "--name", "Sales", "--id", String(ID), "--token-file", "-", "--mode", "webhook", ...hosts()],
    `${TOKEN}\n`,
  );
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/created instance 1 "Sales" \(idInstance 7103555001, webhook, state starting\)/);
  expect(await waitFor(() => fake.control.inspect(ID).settings.webhookUrl !== "", 3000).catch(() => false)).toBe(true);
  const applied = fake.control.inspect(ID).settings;
  expect(applied.webhookUrl).toBe("https://inbox.example.com/webhooks/green-api/1");
  expect(String(applied.webhookUrlToken)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  expect(applied.incomingWebhook).toBe("yes");
  expect(applied.stateWebhook).toBe("yes");
  const methods = fake.control.requests(ID).map((r) => r.method.toLowerCase());
  expect(methods).toContain("getstateinstance");
  expect(methods).toContain("setsettings");
});

test("the same id twice is refused; a token file and polling mode work for another number", async () => {
  const again = await cli(
    ["instance", "add", "--name", "Sales 2", "--id", String(ID), "--token-file", "-", ...hosts()],
    TOKEN,
  );
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("idInstance:");
  const file = join(dir, "second.token");
  writeFileSync(file, TOKEN2);
  const out = await cli([
    "instance",
    "add",
    "--name",
    "Support",
    "--id",
    String(ID2),
    "--token-file",
    file,
    "--mode",
    "polling",
    ...hosts(),
  ]);
  expect(out.code).toBe(0);
  expect(
    await waitFor(() => fake.control.inspect(ID2).settings.incomingWebhook === "yes", 3000).catch(() => false),
  ).toBe(true);
  expect(fake.control.inspect(ID2).settings.webhookUrl).toBe("");
  expect(fake.control.inspect(ID2).settings.incomingWebhook).toBe("yes");
  const list = await cli(["instance", "list"]);
  expect(list.code).toBe(0);
  const lines = list.stdout
    .trim()
    .split("\n")
    .map((l) => l.split("\t"));
  expect(lines.map((l) => [l[1], l[2], l[4], l[5]])).toEqual([
    [String(ID), "Sales", "webhook", "enabled"],
    [String(ID2), "Support", "polling", "enabled"],
  ]);
});

test("remove --keep-history disables the number; remove deletes it and switches its webhook off", async () => {
  const kept = await cli(["instance", "remove", String(ID2), "--keep-history"]);
  expect(kept.code).toBe(0);
  expect(kept.stdout).toContain("kept");
  const removed = await cli(["instance", "remove", String(ID)]);
  expect(removed.code).toBe(0);
  // setSettings applies after the fake's restart (50 ms).
  expect(await waitFor(() => fake.control.inspect(ID).settings.webhookUrl === "", 3000).catch(() => false)).toBe(true);
  const list = await cli(["instance", "list"]);
  const lines = list.stdout
    .trim()
    .split("\n")
    .map((l) => l.split("\t"));
  expect(lines.map((l) => [l[1], l[5]])).toEqual([[String(ID2), "disabled"]]);
  const missing = await cli(["instance", "remove", "424242"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("no instance 424242");
});
