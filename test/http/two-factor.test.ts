// Sign-in with a Telegram code (2FA), linking Telegram first when codes are required and none is linked, REQUIRE_2FA's
// grace period, and linking from the profile — against the fake Bot API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { createApp } from "../../src/app.tsx";
import { auditLog, telegramCodes, users } from "../../src/db/schema/index.ts";
import { Agent } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

let rig: TelegramRig;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let tgUser: number;

beforeAll(async () => {
  await resetDatabase();
  // Codes for admins, with the default 7 days of grace; the other users here are not admins.
  rig = await startTelegramRig({ REQUIRE_2FA: "admins" });
  const app = createApp(rig.deps);
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (r, s) => app.fetch(r, s) });
  base = `http://127.0.0.1:${server.port}`;
  tgUser = rig.fake.control.createUser({ firstName: "Ivan", languageCode: "en" }).id;
  // Bots may only write to people who have started them.
  rig.fake.control.start(tgUser);
  const ivan = await rig.deps.users.create({ username: "ivan", displayName: "Ivan", password: "ivan-password" });
  await rig.deps.db.update(users).set({ require2fa: true, telegramUserId: tgUser }).where(eq(users.id, ivan.id));
  await rig.deps.users.create({ username: "petr", displayName: "Petr", password: "petr-password" });
}, 30_000);

afterAll(async () => {
  server.stop(true);
  await rig.stop();
});

const codes = () =>
  rig.fake.control
    .sent(tgUser)
    .map((s) => s.text ?? "")
    .map((t) => t.match(/\b(\d{6})\b/)?.[1])
    .filter(Boolean) as string[];

async function passwordStep(agent: Agent): Promise<string> {
  const before = codes().length;
  const res = await agent.login("ivan", "ivan-password");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/login/code");
  expect(agent.cookies.has("gi_session")).toBe(false);
  return waitFor(() => codes().length > before && codes().at(-1));
}

describe("2FA sign-in", () => {
  test("the password alone does not sign in; the code from the bot's DM does", async () => {
    const agent = new Agent(base);
    const code = await passwordStep(agent);
    expect(await (await agent.get("/login/code")).text()).toContain("We sent a 6-digit code to your Telegram");
    const stored = await rig.deps.db.select().from(telegramCodes).where(eq(telegramCodes.purpose, "login"));
    expect(JSON.stringify(stored)).not.toContain(code);
    const ok = await agent.post("/login/code", { code });
    expect(ok.status).toBe(303);
    expect(await (await agent.get("/overview")).text()).toContain("Hello, Ivan");
    // A used code does not work twice.
    const again = new Agent(base);
    await passwordStep(again);
    expect((await again.post("/login/code", { code })).status).toBe(401);
  });

  test("five wrong codes void the attempt", async () => {
    const agent = new Agent(base);
    const code = await passwordStep(agent);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let left = 4; left >= 1; left--) {
      const res = await agent.post("/login/code", { code: wrong });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain(`${left} tr`);
    }
    const fifth = await agent.post("/login/code", { code: wrong });
    expect(fifth.status).toBe(303);
    expect(fifth.headers.get("location")).toBe("/login");
    expect((await agent.post("/login/code", { code })).headers.get("location")).toBe("/login");
    expect((await agent.get("/")).status).toBe(303);
  });
});

describe("codes required, no Telegram linked yet", () => {
  const linkUrl = (html: string) => /https:\/\/t\.me\/\w+\?start=([a-z2-7]{24})/.exec(html)?.[1];

  test("the password leads to linking Telegram first, then to the code, then in", async () => {
    const olga = await rig.deps.users.create({ username: "olga", displayName: "Olga", password: "olga-password" });
    await rig.deps.db.update(users).set({ require2fa: true }).where(eq(users.id, olga.id));
    const agent = new Agent(base);
    const res = await agent.login("olga", "olga-password");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login/link");
    expect(agent.cookies.has("gi_session")).toBe(false);
    expect(await (await agent.get("/login/link")).text()).toContain("no Telegram account is linked yet");

    // This step is no way around the code: the code page is closed to it, and it never signs in by itself.
    expect((await agent.get("/login/code")).headers.get("location")).toBe("/login");
    expect((await agent.post("/login/code", { code: "123456" })).headers.get("location")).toBe("/login");
    const early = await agent.post("/login/link/done");
    expect(early.status).toBe(400);
    expect(await early.text()).toContain("Telegram is not linked yet");
    expect((await agent.get("/")).status).toBe(303);

    const token = linkUrl(await (await agent.post("/login/link")).text())!;
    expect(token).toBeString();
    const [stored] = await rig.deps.db
      .select()
      .from(telegramCodes)
      .where(and(eq(telegramCodes.userId, olga.id), eq(telegramCodes.purpose, "enrol")));
    expect(stored!.codeHash).not.toContain(token);
    const olgaTg = rig.fake.control.createUser({ firstName: "Olga", languageCode: "en" }).id;
    rig.fake.control.start(olgaTg, token);
    await waitFor(async () => (await rig.deps.users.findByUsername("olga"))!.telegramUserId === olgaTg);

    const done = await agent.post("/login/link/done");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/login/code");
    const code = await waitFor(() =>
      rig.fake.control
        .sent(olgaTg)
        .map((m) => /\b(\d{6})\b/.exec(m.text ?? "")?.[1])
        .find(Boolean),
    );
    expect((await agent.post("/login/code", { code })).status).toBe(303);
    expect(await (await agent.get("/overview")).text()).toContain("Hello, Olga");
    const actions = (await rig.deps.db.select().from(auditLog).where(eq(auditLog.userId, olga.id))).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["auth.linkRequired", "user.telegramLinked", "auth.codeSent", "auth.login"]),
    );
  });

  test("without the password's challenge the link step is closed", async () => {
    const stranger = new Agent(base);
    expect((await stranger.get("/login/link")).headers.get("location")).toBe("/login");
    expect((await stranger.post("/login/link")).headers.get("location")).toBe("/login");
    expect((await stranger.post("/login/link/done")).headers.get("location")).toBe("/login");
    // A code challenge (ivan has Telegram) does not open it either.
    const ivan = new Agent(base);
    await passwordStep(ivan);
    expect((await ivan.post("/login/link")).headers.get("location")).toBe("/login");
  });
});

describe("REQUIRE_2FA=admins with a grace period", () => {
  test("a new admin without Telegram is let in with a reminder; past the grace, led to link first", async () => {
    const vika = await rig.deps.users.create({
      username: "vika",
      displayName: "Vika",
      password: "vika-password",
      isAdmin: true,
    });
    const agent = new Agent(base);
    const res = await agent.login("vika", "vika-password");
    expect(res.headers.get("location")).toBe("/");
    const home = await (await agent.get("/")).text();
    expect(home).toContain("your account will need a code from Telegram to sign in");
    const [login] = await rig.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, vika.id), eq(auditLog.action, "auth.login")));
    expect((login!.details as { codeGraceUntil: string }).codeGraceUntil).toBeString();

    await rig.deps.db.update(users).set({ createdAt: sql`now() - interval '8 days'` }).where(eq(users.id, vika.id));
    const late = await new Agent(base).login("vika", "vika-password");
    expect(late.headers.get("location")).toBe("/login/link");
  });

  test("REQUIRE_2FA=admins leaves other users to their own setting", async () => {
    const res = await new Agent(base).login("petr", "petr-password");
    expect(res.headers.get("location")).toBe("/");
  });
});

describe("linking from the profile", () => {
  test("the profile gives a deep link; opening it links the account; then 2FA can be turned on", async () => {
    const agent = new Agent(base);
    expect((await agent.login("petr", "petr-password")).status).toBe(303);
    expect(await (await agent.get("/settings")).text()).toContain("Link your Telegram account");
    const page = await (await agent.post("/settings/telegram/link")).text();
    const link = page.match(/https:\/\/t\.me\/[\w]+\?start=([a-z2-7]{24})/)!;
    const petrTg = rig.fake.control.createUser({ firstName: "Petr" }).id;
    rig.fake.control.start(petrTg, link[1]!);
    await waitFor(async () => (await rig.deps.users.findByUsername("petr"))!.telegramUserId === petrTg);
    expect(await (await agent.get("/settings")).text()).toContain("Your Telegram account is linked");
    expect((await agent.post("/settings/telegram/2fa")).status).toBe(303);
    expect((await rig.deps.users.findByUsername("petr"))!.require2fa).toBe(true);
    const next = await new Agent(base).login("petr", "petr-password");
    expect(next.headers.get("location")).toBe("/login/code");
  });
});
