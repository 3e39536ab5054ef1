// History import routes of one number, mounted at /instances/:instanceId/history: the live panel (anyone who may see
// the number), start and cancel (people who may manage it).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { RequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../env.ts";
import { flash } from "../../auth/cookies.ts";
import { HistoryPanel } from "../../../views/instances/history.tsx";
import { CHAT_CAP } from "./paging.ts";
import { createHistoryStore, progressOf } from "./service.ts";
import { managersOnly } from "../manager-gate.ts";

const LINKED = new Set(["authorized", "yellowCard"]);

async function panel(c: Context<AppEnv>) {
  const { deps, instanceId, mayManageInstance } = c.var;
  const store = createHistoryStore(deps.db);
  const [instance, latest] = await Promise.all([deps.instances.getRow(instanceId), store.latest(instanceId)]);
  if (!instance) throw new HTTPException(404, { message: "not found" });
  const progress = latest ? progressOf(latest) : null;
  // Which chats hit the cap is read once the import has stopped (not on every progress step of a running one).
  const capped = latest && latest.status !== "running" ? await store.cappedChats(instanceId, latest.startedAt) : null;
  return c.html(
    <RequestContext.Provider value={c}>
      <HistoryPanel
        instanceId={instanceId}
        linked={LINKED.has(instance.state)}
        mayManage={mayManageInstance}
        progress={progress}
        cap={CHAT_CAP}
        capped={capped}
      />
    </RequestContext.Provider>,
  );
}

/** The panel's own htmx posts get it back to swap in place; a plain (or boosted) form post goes back to the page. */
async function answer(c: Context<AppEnv>, message: "history.started" | "history.stopped") {
  if (c.req.header("hx-request") === "true" && c.req.header("hx-boosted") !== "true") return panel(c);
  flash(c, "ok", c.var.t(message));
  return c.redirect(`/instances/${c.var.instanceId}`, 303);
}

export const historyRoutes = new Hono<AppEnv>()
  .get("/", (c) => panel(c))

  .post("/start", managersOnly, async (c) => {
    await c.var.deps.history.start(c.var.instanceId);
    return answer(c, "history.started");
  })

  .post("/cancel", managersOnly, async (c) => {
    await c.var.deps.history.cancel(c.var.instanceId);
    return answer(c, "history.stopped");
  });
