// A user's own settings: name, password (old one required, other sessions end), sessions list with "end this one".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";

let app: TestApp;

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp();
  await app.deps.users.create({ username: "lena", displayName: "Lena", password: "lena-password" });
}, 30_000);
afterAll(() => app.stop());

const phoneUa =
  "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36";

test("the sessions list names devices and ends one other session", async () => {
  const phone = new Agent(app.url, { "user-agent": phoneUa });
  await phone.login("lena", "lena-password");
  const laptop = new Agent(app.url, {
    "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
  });
  await laptop.login("lena", "lena-password");
  const html = await (await laptop.get("/settings")).text();
  expect(html).toContain("Chrome · Android");
  expect(html).toContain("Firefox · Windows");
  expect(html).toContain("this device");
  const phoneSession = phone.cookies.get("gi_session")!.split(".")[0]!;
  expect((await laptop.post(`/settings/sessions/${phoneSession}/end`)).status).toBe(303);
  expect((await phone.get("/")).status).toBe(303);
  expect((await laptop.get("/")).status).toBe(200);
  // Another user's session, or one's own current session, cannot be ended this way.
  const own = laptop.cookies.get("gi_session")!.split(".")[0]!;
  expect((await laptop.post(`/settings/sessions/${own}/end`)).status).toBe(404);
});

test("changing the password needs the old one and signs out other devices", async () => {
  const a = new Agent(app.url);
  await a.login("lena", "lena-password");
  const b = new Agent(app.url);
  await b.login("lena", "lena-password");
  const wrong = await a.post("/settings/password", {
    current: "nope-nope",
    password: "lena-new-password",
    confirm: "lena-new-password",
  });
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).toContain("The current password is wrong.");
  const mismatch = await a.post("/settings/password", {
    current: "lena-password",
    password: "lena-new-password",
    confirm: "different-password",
  });
  expect(await mismatch.text()).toContain("The passwords do not match.");
  const ok = await a.post("/settings/password", {
    current: "lena-password",
    password: "lena-new-password",
    confirm: "lena-new-password",
  });
  expect(ok.status).toBe(303);
  expect((await a.get("/")).status).toBe(200);
  expect((await b.get("/")).status).toBe(303);
  expect((await new Agent(app.url).login("lena", "lena-password")).status).toBe(401);
  expect((await new Agent(app.url).login("lena", "lena-new-password")).status).toBe(303);
});

test("the display name can be changed and is escaped when shown", async () => {
  const a = new Agent(app.url);
  await a.login("lena", "lena-new-password");
  expect((await a.post("/settings/profile", { displayName: "<script>alert(1)</script> Lena" })).status).toBe(303);
  const html = await (await a.get("/overview")).text();
  expect(html).toContain("Hello, &lt;script&gt;alert(1)&lt;/script&gt; Lena");
  expect(html).not.toContain("<script>alert(1)</script>");
  expect((await a.post("/settings/profile", { displayName: "   " })).status).toBe(400);
});
