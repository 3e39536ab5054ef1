// Sign-in with a Telegram code (2FA) and linking Telegram from the profile, against the fake Bot API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createApp } from "../../src/app.tsx";
import { telegramCodes, users } from "../../src/db/schema/index.ts";
import { Agent } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { eventually, startTelegramRig, type TelegramRig } from "../support/telegram.ts";

let rig: TelegramRig;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let tgUser: number;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig();
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

const codes = () => rig.fake.control.sent(tgUser).map((s) => s.text ?? "").map((t) => t.match(/\b(\d{6})\b/)?.[1]).filter(Boolean) as string[];

async function passwordStep(agent: Agent): Promise<string> {
  const before = codes().length;
  const res = await agent.login("ivan", "ivan-password");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/login/code");
  expect(agent.cookies.has("gi_session")).toBe(false);
  return eventually(() => codes().length > before && codes().at(-1));
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
    expect(await (await agent.get("/")).text()).toContain("Hello, Ivan");
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

  test("2FA required without a linked Telegram refuses with an explanation", async () => {
    const petr = (await rig.deps.users.findByUsername("petr"))!;
    await rig.deps.db.update(users).set({ require2fa: true }).where(eq(users.id, petr.id));
    const res = await new Agent(base).login("petr", "petr-password");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("needs a Telegram code to sign in, but no Telegram account is linked");
    await rig.deps.db.update(users).set({ require2fa: false }).where(eq(users.id, petr.id));
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
    await eventually(async () => (await rig.deps.users.findByUsername("petr"))!.telegramUserId === petrTg);
    expect(await (await agent.get("/settings")).text()).toContain("Your Telegram account is linked");
    expect((await agent.post("/settings/telegram/2fa")).status).toBe(303);
    expect((await rig.deps.users.findByUsername("petr"))!.require2fa).toBe(true);
    const next = await new Agent(base).login("petr", "petr-password");
    expect(next.headers.get("location")).toBe("/login/code");
  });
});
