// Managing users through the web: who may grant what, last-admin protection, sessions ending, audit without secrets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { auditLog } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

let app: TestApp;
let sales: number;
let support: number;
let admin: Agent;
let hr: Agent;
let hrId: number;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  sales = await insertInstance(app.deps.db, "Sales");
  support = await insertInstance(app.deps.db, "Support");
  await app.deps.users.create({ username: "root", password: "root-password", isAdmin: true });
  const hrUser = await app.deps.users.create({
    username: "hr",
    displayName: "HR",
    password: "hr-password",
    canManageUsers: true,
  });
  hrId = hrUser.id;
  await grant(app.deps.db, hrId, sales);
  admin = new Agent(app.url);
  await admin.login("root", "root-password");
  hr = new Agent(app.url);
  await hr.login("hr", "hr-password");
}, 30_000);
afterAll(() => app.stop());

const form = (over: Record<string, string | string[]> = {}) => ({
  username: "nina",
  displayName: "Nina",
  password: "nina-password",
  ...over,
});

async function postForm(agent: Agent, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  body.set("_csrf", agent.cookies.get("gi_csrf")!);
  return agent.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: agent.base },
  });
}

describe("creating users", () => {
  test("an admin creates a user with numbers; the user signs in and sees only those", async () => {
    const res = await postForm(admin, "/users", form({ instanceIds: [String(sales)] }));
    expect(res.status).toBe(303);
    const nina = new Agent(app.url);
    expect((await nina.login("nina", "nina-password")).status).toBe(303);
    const page = await (await nina.get("/instances")).text();
    expect(page).toContain("Sales");
    expect(page).not.toContain("Support");
    expect((await nina.get(`/instances/${support}`)).status).toBe(404);
  });

  test("a user manager who is not an admin cannot create admins or grant numbers they lack", async () => {
    const asAdmin = await postForm(hr, "/users", form({ username: "evil", isAdmin: "on" }));
    expect(asAdmin.status).toBe(400);
    expect(await asAdmin.text()).toContain("Only administrators may create, change or grant administrator accounts.");
    const foreign = await postForm(hr, "/users", form({ username: "evil2", instanceIds: [String(support)] }));
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("You can only give access to WhatsApp numbers you have access to yourself.");
    expect(await app.deps.users.findByUsername("evil")).toBeUndefined();
    const ok = await postForm(hr, "/users", form({ username: "olga", instanceIds: [String(sales)] }));
    expect(ok.status).toBe(303);
  });

  test("duplicate usernames and bad input are explained, nothing is lost from the form", async () => {
    const dup = await postForm(admin, "/users", form({ username: "NINA" }));
    expect(dup.status).toBe(400);
    const html = await dup.text();
    expect(html).toContain("That username is taken.");
    expect(html).toContain('value="Nina"');
    const bad = await postForm(admin, "/users", form({ username: "x", password: "short" }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("at least 8 characters");
  });

  test("users without the capability get 403", async () => {
    const nina = new Agent(app.url);
    await nina.login("nina", "nina-password");
    expect((await nina.get("/users/new")).status).toBe(403);
    expect((await postForm(nina, "/users", form({ username: "sneaky" }))).status).toBe(403);
  });
});

describe("editing users", () => {
  test("nobody raises their own rights", async () => {
    const res = await postForm(hr, `/users/${hrId}`, {
      username: "hr",
      displayName: "HR",
      canManageUsers: "on",
      canManageInstances: "on",
      instanceIds: [String(sales)],
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("You cannot give yourself more rights.");
    const more = await postForm(hr, `/users/${hrId}`, {
      username: "hr",
      displayName: "HR",
      canManageUsers: "on",
      instanceIds: [String(sales), String(support)],
    });
    expect(more.status).toBe(400);
  });

  test("a user manager cannot reset, edit, log out or promote anyone outside its numbers or above its rights", async () => {
    // Boris manages the Support number; HR manages users of Sales only.
    const boris = await app.deps.users.create({
      username: "boris",
      displayName: "Boris",
      password: "boris-password",
      canManageInstances: true,
    });
    await grant(app.deps.db, boris.id, support);
    const root = (await app.deps.users.findByUsername("root"))!;
    for (const target of [boris.id, root.id]) {
      expect((await hr.get(`/users/${target}/edit`)).status).toBe(404);
      const reset = await postForm(hr, `/users/${target}`, {
        username: "taken-over",
        displayName: "X",
        password: "hijacked-password",
        email: "hr@example.com",
        instanceIds: [String(sales)],
      });
      expect(reset.status).toBe(404);
      expect((await postForm(hr, `/users/${target}/logout-all`, {})).status).toBe(404);
    }
    expect((await new Agent(app.url).login("boris", "hijacked-password")).status).toBe(401);
    const borisAgent = new Agent(app.url);
    expect((await borisAgent.login("boris", "boris-password")).status).toBe(303);
    expect((await borisAgent.get("/")).status).toBe(200);
    expect((await admin.get("/")).status).toBe(200);
    // Nor give a right it does not hold itself, to a new user or to one of its own.
    const promoted = await postForm(
      hr,
      "/users",
      form({ username: "numbers", canManageInstances: "on", instanceIds: [String(sales)] }),
    );
    expect(promoted.status).toBe(400);
    expect(await promoted.text()).toContain("You can only give rights you hold yourself.");
    const olga = (await app.deps.users.findByUsername("olga"))!;
    expect(
      (
        await postForm(hr, `/users/${olga.id}`, {
          username: "olga",
          displayName: "Olga",
          canManageInstances: "on",
          instanceIds: [String(sales)],
        })
      ).status,
    ).toBe(400);
    // Its own users it does manage.
    expect((await hr.get(`/users/${olga.id}/edit`)).status).toBe(200);
    expect(
      (
        await postForm(hr, `/users/${olga.id}`, {
          username: "olga",
          displayName: "Olga K",
          instanceIds: [String(sales)],
        })
      ).status,
    ).toBe(303);
    // The same probes by an admin succeed.
    expect((await admin.get(`/users/${boris.id}/edit`)).status).toBe(200);
    expect(
      (
        await postForm(admin, `/users/${boris.id}`, {
          username: "boris",
          displayName: "Boris",
          password: "boris-new-password",
          canManageInstances: "on",
          instanceIds: [String(support)],
        })
      ).status,
    ).toBe(303);
    expect((await borisAgent.get("/")).status).toBe(303);
    expect((await new Agent(app.url).login("boris", "boris-new-password")).status).toBe(303);
    expect((await postForm(admin, `/users/${boris.id}/logout-all`, {})).status).toBe(303);
  });

  test("the last administrator cannot be demoted or disabled", async () => {
    const root = (await app.deps.users.findByUsername("root"))!;
    const demote = await postForm(admin, `/users/${root.id}`, { username: "root", displayName: "root" });
    expect(demote.status).toBe(400);
    expect(await demote.text()).toContain("last active administrator");
    const ok = await postForm(admin, `/users/${root.id}`, {
      username: "root",
      displayName: "Root Admin",
      isAdmin: "on",
    });
    expect(ok.status).toBe(303);
  });

  test("a new password or disabling ends the user's sessions; the new password works", async () => {
    const nina = (await app.deps.users.findByUsername("nina"))!;
    const phone = new Agent(app.url);
    await phone.login("nina", "nina-password");
    const reset = await postForm(admin, `/users/${nina.id}`, {
      username: "nina",
      displayName: "Nina",
      password: "brand-new-password",
      instanceIds: [String(sales)],
    });
    expect(reset.status).toBe(303);
    expect((await phone.get("/")).status).toBe(303);
    expect((await new Agent(app.url).login("nina", "brand-new-password")).status).toBe(303);
    const laptop = new Agent(app.url);
    await laptop.login("nina", "brand-new-password");
    await postForm(admin, `/users/${nina.id}`, { username: "nina", displayName: "Nina", disabled: "on" });
    expect((await laptop.get("/")).status).toBe(303);
    expect((await new Agent(app.url).login("nina", "brand-new-password")).status).toBe(401);
  });

  test("the audit log records who changed what, without secrets", async () => {
    const rows = await app.deps.db.select().from(auditLog);
    const updates = rows.filter((r) => r.action === "user.updated");
    expect(updates.some((r) => (r.details as { changed: string[] }).changed.includes("password"))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain("brand-new-password");
    expect(rows.some((r) => r.action === "user.created" && r.actor === "hr")).toBe(true);
  });
});
