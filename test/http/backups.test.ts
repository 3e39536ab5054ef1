// The backups page: administrators only, "back up now" (in place and as a plain form), rotation to BACKUP_MAX_FILES,
// media archive, downloads (no path traversal), the error shown when pg_dump is missing, and a backup taken from the
// running app restores into an empty database.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { auditLog, users } from "../../src/db/schema/index.ts";
import { createBackupService } from "../../src/backups/service.ts";
import { restoreBackup } from "../../src/backups/restore.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase, testLog } from "../support/db.ts";
import { emptyTarget } from "../support/empty-db.ts";

let app: TestApp;
let admin: Agent;
let clerk: Agent;
let dataDir: string;
const HX = { "hx-request": "true" };

beforeAll(async () => {
  await resetDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "gi-backups-"));
  mkdirSync(join(dataDir, "media"));
  writeFileSync(join(dataDir, "media", "a".repeat(64)), "a photo");
  app = await startTestApp({ DATA_DIR: dataDir, BACKUP_MAX_FILES: "2", BACKUP_INCLUDE_MEDIA: "true" });
  await app.deps.users.create({ username: "boss", password: "boss-password", isAdmin: true });
  await app.deps.users.create({
    username: "clerk",
    password: "clerk-password",
    canManageUsers: true,
    canManageInstances: true,
  });
  admin = new Agent(app.url);
  await admin.login("boss", "boss-password");
  clerk = new Agent(app.url);
  await clerk.login("clerk", "clerk-password");
}, 30_000);
afterAll(async () => {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const dbFiles = () =>
  readdirSync(join(dataDir, "backups"))
    .filter((n) => /\.(dump|pglite\.tar\.gz)$/.test(n))
    .sort();

test("the page starts empty and is linked from the users page for administrators", async () => {
  const page = await admin.get("/backups");
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("No backups yet.");
  expect(html).toContain("Back up now");
  expect(html).toContain("every 12 hours");
  expect(await (await admin.get("/users")).text()).toContain('href="/backups"');
  expect(await (await clerk.get("/users")).text()).not.toContain('href="/backups"');
});

test("back up now answers in place (htmx) and as a plain form; rotation keeps exactly BACKUP_MAX_FILES", async () => {
  const first = await admin.post("/backups", {}, { headers: HX });
  expect(first.status).toBe(200);
  const fragment = await first.text();
  expect(fragment).toStartWith('<section id="backups"');
  expect(fragment).toMatch(/Backup greeninbox-\d{8}-\d{6}-\d{3}\.(dump|pglite\.tar\.gz) written\./);
  expect(fragment).not.toContain("No backups yet.");
  expect(dbFiles()).toHaveLength(1);

  const plain = await admin.post("/backups");
  expect(plain.status).toBe(303);
  expect(plain.headers.get("location")).toBe("/backups");
  expect(await (await admin.get("/backups")).text()).toContain(" written.");

  const before = dbFiles();
  await admin.post("/backups", {}, { headers: HX });
  const after = dbFiles();
  expect(after).toHaveLength(2);
  // The oldest went; the two newest stay, each with its media archive.
  expect(after).not.toContain(before[0]);
  expect(after[0]).toBe(before[1]);
  const media = readdirSync(join(dataDir, "backups")).filter((n) => n.endsWith("-media.tar.gz"));
  expect(media).toHaveLength(2);

  const listed = await (await admin.get("/backups")).text();
  for (const name of after) expect(listed).toContain(`href="/backups/${name}"`);
  expect(listed).not.toContain(before[0]);
  expect(listed).toContain("Media archive");
  const audited = await app.deps.db.select().from(auditLog).where(eq(auditLog.action, "backup.created"));
  expect(audited.length).toBe(3);
  expect(audited[0]!.actor).toBe("boss");
}, 60_000);

test("downloads: the file for administrators, nothing for others, no way out of the backups folder", async () => {
  const [name] = dbFiles();
  const res = await admin.get(`/backups/${name}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${name}"`);
  expect(new Uint8Array(await res.arrayBuffer())).toEqual(
    new Uint8Array(await Bun.file(join(dataDir, "backups", name!)).arrayBuffer()),
  );

  expect((await clerk.get(`/backups/${name}`)).status).toBe(403);
  expect((await clerk.get("/backups")).status).toBe(403);
  expect((await clerk.post("/backups", {}, { headers: HX })).status).toBe(403);
  const anonymous = await new Agent(app.url).get(`/backups/${name}`);
  expect(anonymous.status).toBe(303);
  expect(anonymous.headers.get("location")).toStartWith("/login");

  writeFileSync(join(dataDir, "greeninbox-20260101-000000-000.dump"), "outside the backups folder");
  for (const path of [
    "/backups/..%2Fgreeninbox-20260101-000000-000.dump",
    "/backups/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/backups/..%5Cgreeninbox-20260101-000000-000.dump",
    "/backups/greeninbox-20260101-000000-000.dump",
    "/backups/.greeninbox-20260101-000000-000.dump.partial",
  ]) {
    const r = await admin.get(path);
    expect(r.status, path).toBe(404);
    expect(await r.text()).not.toContain("outside the backups folder");
  }
});

test("a missing pg_dump is a clear error on the page and in the log", async () => {
  const original = app.deps.backups;
  const lines: string[] = [];
  const log = testLog.child({});
  const spy = {
    ...log,
    error: (obj: unknown, msg?: string) => lines.push(`${msg} ${JSON.stringify(obj)}`),
  } as typeof log;
  app.deps.backups = createBackupService({
    config: { ...app.config, DATA_DIR: dataDir },
    database: { kind: "postgres", postgres: { url: "postgres://u:secret@127.0.0.1:1/x", sql: null as never } },
    log: spy,
    tools: { pgDump: "pg_dump_gi_not_installed" },
  });
  try {
    const res = await admin.post("/backups", {}, { headers: HX });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(
      "Backup failed: pg_dump_gi_not_installed was not found: install the PostgreSQL client tools",
    );
    expect(html).toContain('role="alert"');
    expect(await (await admin.get("/backups")).text()).toContain("The last backup failed");
    expect(lines.join("\n")).toContain("was not found");
    expect(lines.join("\n")).not.toContain("secret");
    expect(dbFiles()).toHaveLength(2);
  } finally {
    app.deps.backups = original;
  }
});

test("a backup taken from the running app restores into an empty database", async () => {
  await app.deps.users.create({ username: "dora", password: "dora-password" });
  const made = await app.deps.backups.run();
  await app.deps.db.delete(users).where(eq(users.username, "dora"));
  const target = await emptyTarget();
  try {
    await restoreBackup({ config: target.config, file: join(dataDir, "backups", made.name), log: testLog });
    const db = await target.open();
    try {
      const names = (await db.db.select({ u: users.username }).from(users).orderBy(users.username)).map((r) => r.u);
      expect(names).toEqual(["boss", "clerk", "dora"]);
    } finally {
      await db.close();
    }
    // The media archive next to it was unpacked into the empty DATA_DIR.
    expect(await Bun.file(join(target.config.DATA_DIR, "media", "a".repeat(64))).text()).toBe("a photo");
  } finally {
    await target.remove();
  }
}, 60_000);
