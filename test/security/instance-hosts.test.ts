// A number's API token goes only to the hosts it was entered with, and only to public https hosts unless the admin
// setting GREEN_API_ALLOW_PRIVATE_HOSTS allows others; a failed check says which host, never what it answered.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { instances } from "../../src/db/schema/index.ts";
import { eq } from "drizzle-orm";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { grant, insertInstance } from "../support/fixtures.ts";

const STORED = "a".repeat(50);
const TYPED = "b".repeat(50);

// A server of the number manager's own: it records what reaches it and answers with a body it would like to read back.
const seen: string[] = [];
const trap = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) => {
    seen.push(new URL(req.url).pathname);
    return Response.json({ statusCode: 500, message: "TRAP-BODY internal details" }, { status: 500 });
  },
});
const trapUrl = `http://127.0.0.1:${trap.port}`;

async function numberManager(app: TestApp, name: string): Promise<{ agent: Agent; instanceId: number }> {
  const instanceId = await insertInstance(app.deps.db, name);
  const user = await app.deps.users.create({
    username: `nm-${name}`,
    password: "manager-password",
    canManageInstances: true,
  });
  await grant(app.deps.db, user.id, instanceId);
  const agent = new Agent(app.url);
  expect((await agent.login(`nm-${name}`, "manager-password")).status).toBe(303);
  return { agent, instanceId };
}

const form = (row: { name: string; idInstance: number }, over: Record<string, string>) => ({
  name: row.name,
  idInstance: String(row.idInstance),
  apiToken: "",
  apiUrl: "http://127.0.0.1:1",
  mediaUrl: "http://127.0.0.1:1",
  intakeMode: "polling",
  telegramChatId: "",
  autoReplyText: "",
  autoReplyIntervalHours: "12",
  markReadPolicy: "onReply",
  ...over,
});

async function rowOf(app: TestApp, id: number) {
  const [row] = await app.deps.db.select().from(instances).where(eq(instances.id, id));
  return row!;
}

beforeAll(() => resetDatabase());
afterAll(() => trap.stop(true));

describe("with private hosts allowed (self-hosted gateway, tests)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GREEN_API_ALLOW_PRIVATE_HOSTS: "true" });
  });
  afterAll(() => app.stop());

  test("changing the API URL without typing the token again is a form error, and nothing is sent", async () => {
    const { agent, instanceId } = await numberManager(app, "Sales");
    seen.length = 0;
    const res = await agent.post(
      `/instances/${instanceId}/edit`,
      form(await rowOf(app, instanceId), { apiUrl: `${trapUrl}/any/path?x=1#` }),
    );
    const html = await res.text();
    expect(html).toContain("Enter the API token again to send it to a new API or media URL.");
    expect(seen).toEqual([]);
    expect((await rowOf(app, instanceId)).apiUrl).toBe("http://127.0.0.1:1");
  });

  test("with the token typed, the check goes to the new host with that token only; its answer is not shown", async () => {
    const { agent, instanceId } = await numberManager(app, "Support");
    seen.length = 0;
    const res = await agent.post(
      `/instances/${instanceId}/edit`,
      form(await rowOf(app, instanceId), { apiUrl: trapUrl, mediaUrl: trapUrl, apiToken: TYPED }),
    );
    const html = await res.text();
    expect(seen.length).toBeGreaterThan(0);
    for (const path of seen) {
      expect(path).not.toContain(STORED);
      expect(path).toContain(TYPED);
    }
    expect(html).toContain(`Could not reach Green-API at 127.0.0.1:${trap.port}`);
    expect(html).not.toContain("TRAP-BODY");
    expect((await rowOf(app, instanceId)).apiToken).toBe(STORED);
  });
});

describe("by default (public https hosts only)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GREEN_API_ALLOW_PRIVATE_HOSTS: "false" });
  });
  afterAll(() => app.stop());

  test("plain http, private, loopback, link-local and local names are refused before any request", async () => {
    const { agent, instanceId } = await numberManager(app, "Hosts");
    const row = await rowOf(app, instanceId);
    seen.length = 0;
    for (const apiUrl of [
      trapUrl,
      "https://127.0.0.1",
      "https://10.0.0.1",
      "https://169.254.169.254",
      "https://[::1]",
      "https://[::ffff:127.0.0.1]",
      "https://localhost",
      "https://metadata.google.internal",
      "https://intranet",
    ]) {
      const html = await (
        await agent.post(`/instances/${instanceId}/edit`, form(row, { apiUrl, apiToken: TYPED }))
      ).text();
      expect([apiUrl, html.includes("Enter an https address of a public host")]).toEqual([apiUrl, true]);
    }
    expect(seen).toEqual([]);
    expect((await rowOf(app, instanceId)).apiUrl).toBe("http://127.0.0.1:1");
  });

  test("the same refusal when creating a number", async () => {
    const admin = await app.deps.users.create({ username: "root", password: "root-password", isAdmin: true });
    expect(admin.id).toBeGreaterThan(0);
    const agent = new Agent(app.url);
    await agent.login("root", "root-password");
    seen.length = 0;
    const html = await (
      await agent.post(
        "/instances/new",
        form({ name: "New", idInstance: 7103555001 }, { apiUrl: trapUrl, mediaUrl: trapUrl, apiToken: TYPED }),
      )
    ).text();
    expect(html).toContain("Enter an https address of a public host");
    expect(seen).toEqual([]);
  });
});
