// QR linking, logout/restart and the state job against the fake Green-API, with changes pushed over SSE.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checkInstanceStates } from "../../src/jobs/state-check.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { Agent, sseUntil, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103888001;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210ab";
let fake: FakeGreenApi;
let app: TestApp;
let admin: Agent;
let instanceId: number;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ webhookDelivery: false, timings: { startingMs: 40, qrRotateMs: 1500 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "notAuthorized",
    phone: "79005550101",
  });
  app = await startTestApp();
  const row = await insertFakeInstance(app.deps.db, fake, {
    name: "Support",
    idInstance: ID,
    apiToken: TOKEN,
    state: "notAuthorized",
  });
  instanceId = row!.id;
  await app.deps.users.create({ username: "admin", password: "password-1", isAdmin: true });
  admin = new Agent(app.url);
  await admin.login("admin", "password-1");
}, 30_000);

afterAll(async () => {
  app.deps.qr.stopAll();
  await app.stop();
  await fake.stop();
});

describe("QR login", () => {
  test("the page of an unlinked number shows the QR as a data URL, and a new code arrives over SSE", async () => {
    const html = await (await admin.get(`/instances/${instanceId}`)).text();
    const first = html.match(/<img class="qr" src="(data:image\/png;base64,[^"]+)"/)?.[1];
    expect(first).toBeDefined();
    expect(html).toContain(`hx-get="/instances/${instanceId}/connect"`);
    expect(html).not.toContain(TOKEN);
    // The fake rotates the code every 1.5 s: the refresher announces it to the viewer, the panel re-fetches it.
    await sseUntil(
      admin,
      new RegExp(`event: instance.changed\\ndata: <template data-instance="${instanceId}" data-part="qr">`),
    );
    const panel = await (await admin.get(`/instances/${instanceId}/connect`)).text();
    const next = panel.match(/src="(data:image\/png;base64,[^"]+)"/)?.[1];
    expect(next).toBeDefined();
    expect(next).not.toBe(first);
  });

  test("after the phone scans it, the state change is pushed and the panel says connected", async () => {
    const stream = sseUntil(admin, new RegExp(`data-instance="${instanceId}" data-part="state"`));
    await Bun.sleep(100);
    fake.control.scanQr(ID);
    await stream;
    const row = await waitFor(async () => {
      const r = await app.deps.instances.getRow(instanceId);
      return r?.state === "authorized" && r.wid ? r : null;
    }, 8000);
    expect(row.wid).toBe("79005550101@c.us");
    const panel = await (await admin.get(`/instances/${instanceId}/connect`)).text();
    expect(panel).toContain("Connected as +79005550101");
    expect(panel).not.toContain("<img");
  });

  test("a phone code can be asked for instead (getAuthorizationCode reaches the fake)", async () => {
    fake.control.setState(ID, "notAuthorized");
    await app.deps.instances.setState(instanceId, "notAuthorized");
    const bad = await (await admin.post(`/instances/${instanceId}/connect/code`, { phone: "12" })).text();
    expect(bad).toContain("international format");
    const ok = await (await admin.post(`/instances/${instanceId}/connect/code`, { phone: "+7 900 555-01-01" })).text();
    expect(ok).toMatch(/<strong class="code">[A-Z0-9]{8}<\/strong>/);
    fake.control.scanQr(ID);
  });
});

describe("logout, restart and the state job", () => {
  test("logout and restart reach the fake, ask for confirmation, and are recorded", async () => {
    await waitFor(async () => (await app.deps.instances.getRow(instanceId))?.state === "authorized", 8000);
    app.deps.qr.stopAll();
    const page = await (await admin.get(`/instances/${instanceId}`)).text();
    expect(page).toContain('hx-confirm="Unlink the phone from Support?');
    expect(page).toContain('hx-confirm="Restart Support at Green-API?');
    await Bun.sleep(1100);
    const res = await admin.post(`/instances/${instanceId}/logout`);
    expect(res.status).toBe(303);
    expect(fake.control.inspect(ID).state).toBe("notAuthorized");
    expect((await app.deps.instances.getRow(instanceId))!.state).toBe("notAuthorized");
    await admin.post(`/instances/${instanceId}/reboot`);
    const methods = fake.control.requests(ID).map((r) => r.method.toLowerCase());
    expect(methods).toContain("logout");
    expect(methods).toContain("reboot");
  });

  test("the state job records a changed state and announces it", async () => {
    app.deps.qr.stopAll();
    await Bun.sleep(200);
    fake.control.setState(ID, "yellowCard");
    const seen: unknown[] = [];
    const off = app.deps.bus.subscribe((e) => seen.push(e));
    await Bun.sleep(1100);
    expect(await checkInstanceStates(app.deps)).toBe(1);
    off();
    expect((await app.deps.instances.getRow(instanceId))!.state).toBe("yellowCard");
    expect(seen).toContainEqual(
      expect.objectContaining({
        name: "instance.changed",
        instanceId,
        data: expect.objectContaining({ state: "yellowCard", part: "state" }),
      }),
    );
    await Bun.sleep(1100);
    expect(await checkInstanceStates(app.deps)).toBe(0);
  });

  test("no request went over Green-API's rate limits", () => {
    expect(fake.control.violations()).toBe(0);
  });
});
