// The rights matrix: every state-changing route of the app's own routing table × admin, user manager of A, number
// managers of A and of B, agent of A, a user with nothing × every target of the route's kind, answered as rights.ts
// says, refusals changing nothing in the database; and proof that the check fails for a route without a line or a rule.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createApp } from "../../src/app.tsx";
import { requireCapability } from "../../src/auth/middleware.ts";
import { messages, users } from "../../src/db/schema/index.ts";
import { routesOf } from "./matrix.ts";
import { RIGHTS } from "./rights.ts";
import { PROBES, REFUSED_TEXT } from "./rights-probes.ts";
import { actionsOf, census, checkRights, plan, unruled } from "./rights-check.ts";
import { prepare, unique, type RightsWorld } from "./rights-targets.ts";
import { agentsFor, buildWorld, type World } from "./world.ts";

let w: World;
let rw: RightsWorld;

beforeAll(async () => {
  w = await buildWorld();
  rw = await prepare(w);
}, 60_000);
afterAll(() => w.stop());

describe("rights matrix", () => {
  test("every state-changing route has a line in the table, and every line a route", () => {
    const routes = routesOf(createApp(w.app.deps));
    expect(actionsOf(routes).length).toBeGreaterThanOrEqual(40);
    expect(unruled(routes)).toEqual([]);
  });

  test("every route that acts on something is both permitted and refused to someone", () => {
    const cells = plan(routesOf(createApp(w.app.deps)), rw);
    expect(census(cells).refused).toBeGreaterThan(200);
    const oneSided = Object.entries(RIGHTS)
      .filter(([, line]) => line.target !== "self")
      .filter(([key]) => {
        const mine = cells.filter((c) => `${c.route.method} ${c.route.path}` === key);
        return !mine.some((c) => c.refusal === null) || !mine.some((c) => c.refusal !== null);
      });
    expect(oneSided.map(([key]) => key)).toEqual([]);
  });

  test("a route without a line, or one that forgets its rule, makes the matrix fail (the check can fail)", async () => {
    const leaky = createApp(w.app.deps);
    // The mistake the suite exists to catch: an e-mail change (the way to a password reset) that checks the capability
    // but not whose account it is.
    leaky.post("/users/:userId{[0-9]+}/email", requireCapability("manageUsers"), async (c) => {
      const form = await c.req.parseBody();
      await c.var.deps.db
        .update(users)
        .set({ email: String(form.email) })
        .where(eq(users.id, Number(c.req.param("userId"))));
      return c.redirect("/users", 303);
    });
    const key = "POST /users/:userId{[0-9]+}/email";
    const routes = routesOf(leaky).filter((r) => `${r.method} ${r.path}` === key);
    expect(routes).toHaveLength(1);
    expect(unruled(routesOf(leaky))).toEqual([`${key}: no line in RIGHTS (rights.ts)`]);

    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => leaky.fetch(req, srv) });
    try {
      const tables = {
        rights: { ...RIGHTS, [key]: { target: "user" as const, who: "managesUser" as const } },
        probes: {
          ...PROBES,
          [key]: {
            body: () => ({ email: `${unique("takeover-")}@example.com` }),
            ok: { status: 303, to: () => "/users" },
          },
        },
      };
      const wrong = await checkRights(routes, rw, { tables, agents: agentsFor(w, `http://127.0.0.1:${server.port}`) });
      const chief = rw.people.chief.id;
      expect(wrong).toContainEqual(
        `userManagerA POST /users/${chief}/email [an admin] (${key}): 303, want 404 (refused)`,
      );
      expect(wrong).toContainEqual(
        `userManagerA POST /users/${chief}/email [an admin] (${key}): refused, yet changed users`,
      );
      expect(wrong).toContainEqual(
        `userManagerA POST /users/${rw.people.peerB.id}/email [an agent of B] (${key}): 303, want 404 (refused)`,
      );
      // Those without the capability are still refused by it: no false alarms there.
      expect(wrong.filter((line) => line.startsWith("agentA "))).toEqual([]);
    } finally {
      server.stop(true);
    }
  }, 60_000);

  test("every role × target answers as the rules say; a refused call changes nothing", async () => {
    const wrong = await checkRights(routesOf(createApp(w.app.deps)), rw);
    expect(wrong).toEqual([]);
    const landed = await w.app.deps.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.text, REFUSED_TEXT));
    expect(landed).toEqual([]);
  }, 120_000);
});
