// The access matrix over the app's own routing table (routes added later are covered as they appear), the live stream
// per role, and proof that the check fails when one route serves instance data without the gate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { chats, instances, messages, sessions, users } from "../../src/db/schema/index.ts";
import { createApp } from "../../src/app.tsx";
import { checkMatrix, routesOf, isScoped, isPublic } from "./matrix.ts";
import { agentsFor, buildWorld, type Role, type World } from "./world.ts";
import { openStream, type OpenStream } from "./sse.ts";

let w: World;

beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(() => w.stop());

async function snapshot() {
  const { db } = w.app.deps;
  return {
    instances: await db
      .select({ id: instances.id, name: instances.name, enabled: instances.enabled })
      .from(instances)
      .orderBy(instances.id),
    messages: (await db.select({ n: count() }).from(messages))[0]!.n,
    chats: await db
      .select({ id: chats.id, name: chats.name, unread: chats.unreadCount, status: chats.status })
      .from(chats)
      .orderBy(chats.id),
    users: await db
      .select({
        id: users.id,
        name: users.displayName,
        admin: users.isAdmin,
        mu: users.canManageUsers,
        mi: users.canManageInstances,
        disabled: users.disabled,
      })
      .from(users)
      .orderBy(users.id),
    sessions: (await db.select({ n: count() }).from(sessions))[0]!.n,
  };
}

describe("access matrix", () => {
  test("the routing table has pages, partials, media and actions of both kinds to check", () => {
    const routes = routesOf(createApp(w.app.deps)).filter((r) => !isPublic(r.path));
    expect(routes.filter((r) => isScoped(r.path) && r.method === "GET").length).toBeGreaterThanOrEqual(8);
    expect(routes.filter((r) => isScoped(r.path) && r.method === "POST").length).toBeGreaterThanOrEqual(5);
    expect(routes.some((r) => r.path.includes("/media/"))).toBe(true);
    expect(routes.filter((r) => !isScoped(r.path)).length).toBeGreaterThanOrEqual(8);
  });

  test("every role × every route answers as expected, shows nothing of other instances and changes nothing it may not", async () => {
    const before = await snapshot();
    const wrong = await checkMatrix(routesOf(createApp(w.app.deps)), w.agents, w);
    expect(wrong).toEqual([]);
    const after = await snapshot();
    expect(after).toEqual(before);
    const probes = await w.app.deps.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.text, "matrix-should-never-land"));
    expect(probes).toEqual([]);
  }, 120_000);

  test("a route that serves instance data without the gate makes the matrix fail (the check can fail)", async () => {
    const leaky = createApp(w.app.deps);
    // The mistake the suite exists to catch: an export of an instance's chats, registered outside the gated scope.
    leaky.get("/export/:instanceId{[0-9]+}/chats", async (c) => {
      const rows = await c.var.deps.db
        .select({ name: chats.name })
        .from(chats)
        .where(eq(chats.instanceId, Number(c.req.param("instanceId"))));
      return c.json(rows);
    });
    // And one keyed by a chat id alone, forgetting to check the chat's instance.
    leaky.get("/chat-preview/:chatId{[0-9]+}", async (c) => {
      const [row] = await c.var.deps.db
        .select({ name: chats.name })
        .from(chats)
        .where(eq(chats.id, Number(c.req.param("chatId"))));
      return c.text(row?.name ?? "none");
    });
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => leaky.fetch(req, srv) });
    try {
      const routes = routesOf(leaky).filter(
        (r) => r.path.startsWith("/export/") || r.path.startsWith("/chat-preview/"),
      );
      expect(routes).toHaveLength(2);
      const wrong = await checkMatrix(routes, agentsFor(w, `http://127.0.0.1:${server.port}`), w);
      expect(wrong).toContainEqual(
        expect.stringMatching(/^managerB GET \/export\/\d+\/chats .*shows "AlphaSecretChat"/),
      );
      expect(wrong).toContainEqual(expect.stringMatching(/^nobody GET \/chat-preview\/\d+ .*shows "AlphaSecretChat"/));
      expect(wrong).toContainEqual(expect.stringMatching(/^agentA GET \/chat-preview\/\d+ .*shows "BravoSecretChat"/));
      // The inventory rule fails too: a route naming an instance outside the gated scope.
      expect(routes.filter((r) => r.path.includes(":instanceId") && !isScoped(r.path)).map((r) => r.path)).toEqual([
        "/export/:instanceId{[0-9]+}/chats",
      ]);
    } finally {
      server.stop(true);
    }
  }, 60_000);
});

describe("live stream per role", () => {
  /** Delivers an incoming WhatsApp text to a side through the real intake (as a webhook would). */
  async function ingest(side: "A" | "B", text: string) {
    const s = w[side];
    const body = {
      typeWebhook: "incomingMessageReceived",
      instanceData: { idInstance: s.idInstance, wid: `7900${s.idInstance}@c.us`, typeInstance: "whatsapp" },
      timestamp: Math.floor(Date.now() / 1000),
      idMessage: crypto.randomUUID().replaceAll("-", "").toUpperCase(),
      senderData: { chatId: s.waChatId, chatName: "x", sender: s.waChatId, senderName: "x" },
      messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
    };
    expect(await w.app.deps.intake.accept(s.instanceId, s.idInstance, body, "webhook")).toMatchObject({ ok: true });
    await w.app.deps.intake.idle();
  }

  test("a user receives live events of their instances only; nobody receives another instance's chat", async () => {
    const roles: Role[] = ["admin", "userManagerA", "managerA", "agentA", "managerB", "nobody"];
    const streams = {} as Record<Role, OpenStream>;
    for (const role of roles) streams[role] = await openStream(w.agents[role]);
    try {
      await ingest("A", "LiveAlphaSecret");
      await ingest("B", "LiveBravoSecret");
      for (const role of ["admin", "userManagerA", "managerA", "agentA"] as const)
        await streams[role].until(/LiveAlphaSecret/);
      await streams.admin.until(/LiveBravoSecret/);
      // B's event was published after A's: once it arrived, A's would have too.
      const b = await streams.managerB.until(/LiveBravoSecret/);
      expect(b).not.toContain("LiveAlphaSecret");
      expect(b).not.toContain("AlphaSecret");
      // Those who may not see B have received everything up to a notice sent last.
      for (const role of ["userManagerA", "managerA", "agentA", "nobody"] as const) {
        w.app.deps.bus.publish({ name: "notice", userId: w.userIds[role], data: { html: "end-of-test" } });
        const text = await streams[role].until(/end-of-test/);
        expect(text, role).not.toContain("LiveBravoSecret");
        expect(text, role).not.toContain("BravoSecret");
        if (role === "nobody") expect(text).not.toContain("LiveAlphaSecret");
      }
    } finally {
      for (const s of Object.values(streams)) await s.close();
    }
  }, 30_000);

  test("the stream refuses signed-out visitors", async () => {
    const res = await w.agents.anon.get("/events", { accept: "text/event-stream" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toStartWith("/login");
  });
});
