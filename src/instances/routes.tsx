// Instance pages, mounted at /instances: the list, creating a number, and one number's page with its live fragments,
// QR / phone-code linking, logout and restart, editing, history import, and the notifications in quarantine.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { RequestContext } from "hono/jsx-renderer";
import type { Child } from "hono/jsx";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { can } from "../auth/permissions.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { flash } from "../auth/cookies.ts";
import { clientIp } from "../lib/client-ip.ts";
import { answerInvalid } from "../lib/validate-page.ts";
import { InstanceCard, InstancesPage } from "../../views/instances/list.tsx";
import { InstancePage, InstanceStatus } from "../../views/instances/detail.tsx";
import { CodeResult, ConnectPanel, PhoneCodeForm } from "../../views/instances/connect.tsx";
import { QuarantinePanel } from "../../views/instances/quarantine.tsx";
import { quarantineOf } from "../greenapi/quarantine.ts";
import { replayQuarantined } from "../greenapi/replay.ts";
import { describeFailure } from "./manage.ts";
import { announceInstance } from "./live.ts";
import { lastStrings } from "./form.ts";
import { editRoutes, newInstanceRoutes } from "./manage-routes.tsx";
import { managersOnly } from "./manager-gate.ts";
import { historyRoutes } from "./history/routes.tsx";
import type { InstanceView } from "./service.ts";

/**
 * One number, below /instances: the instance gate's scope, so the gate (mounted in src/app.tsx for every capability
 * under it) checks the id, 404s numbers the user may not see and sets `instanceId` and `mayManageInstance`.
 */
const ONE_NUMBER = INSTANCE_SCOPE.slice("/instances".length);

/** How long the first page view waits for the first QR code. */
const FIRST_QR_WAIT_MS = 2500;

/** Renders a fragment for htmx (views read the request context like full pages do). */
function fragment(c: Context<AppEnv>, node: Child) {
  return c.html(<RequestContext.Provider value={c}>{node}</RequestContext.Provider>);
}

async function view(c: Context<AppEnv>): Promise<InstanceView> {
  const instance = await c.var.deps.instances.getView(c.var.instanceId);
  if (!instance) throw new HTTPException(404, { message: "not found" });
  return instance;
}

/** Only managers of this instance get a QR (scanning it would link a phone to the company's number). */
async function connectProps(c: Context<AppEnv>, instance: InstanceView, waitMs: number) {
  const mayManage = c.var.mayManageInstance;
  const linked = instance.state === "authorized" || instance.state === "yellowCard";
  const snapshot = mayManage && !linked ? await c.var.deps.qr.watch(instance.id, c.var.user!.id, waitMs) : undefined;
  return { instance, mayManage, snapshot };
}

/** The number to send a linking code to; a wrong one is answered in the panel, like Green-API's own refusals. */
const phoneForm = z.preprocess(
  lastStrings,
  z.object({
    phone: z
      .string()
      .transform((v) => v.replace(/[\s()+-]/g, ""))
      .pipe(z.string().regex(/^\d{10,15}$/)),
  }),
);

const phoneValidator = zValidator(
  "form",
  phoneForm,
  answerInvalid((c: Context<AppEnv>) => fragment(c, <CodeResult error={c.var.t("instances.codeBadPhone")} />)),
);

const numberRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const props = await connectProps(c, await view(c), FIRST_QR_WAIT_MS);
    // Waiting for the first QR code also checked the state: show what it found.
    const instance = props.snapshot ? await view(c) : props.instance;
    const [stateLog, quarantine] = await Promise.all([
      c.var.deps.instances.stateLog(instance.id, 10),
      props.mayManage ? quarantineOf(c.var.deps.db, instance.id) : undefined,
    ]);
    return c.render(<InstancePage {...props} instance={instance} stateLog={stateLog} quarantine={quarantine} />, {
      title: instance.name,
    });
  })

  // Live fragments, re-fetched when the instance changes.
  .get("/card", async (c) => fragment(c, <InstanceCard instance={await view(c)} />))
  .get("/status", async (c) =>
    fragment(
      c,
      <InstanceStatus instance={await view(c)} stateLog={await c.var.deps.instances.stateLog(c.var.instanceId, 10)} />,
    ),
  )
  .get("/connect", async (c) => fragment(c, <ConnectPanel {...(await connectProps(c, await view(c), 0))} />))

  .get("/connect/code", async (c) =>
    fragment(c, <PhoneCodeForm instance={await view(c)} mayManage={c.var.mayManageInstance} />),
  )

  .post("/connect/code", managersOnly, phoneValidator, async (c) => {
    const { phone } = c.req.valid("form");
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    try {
      const answer = await c.var.deps.gateway.call(
        row,
        "getAuthorizationCode",
        "normal",
        (g) => g.getAuthorizationCode(Number(phone)),
        { maxAttempts: 1 },
      );
      if (!answer.status || !answer.code)
        return fragment(
          c,
          <CodeResult error={c.var.t("instances.codeFailed", { reason: c.var.t(`state.${row.state}`) })} />,
        );
      c.var.deps.qr.watch(row.id, c.var.user!.id).catch(() => {}); // keep checking the state while the code is typed
      return fragment(c, <CodeResult code={answer.code} />);
    } catch (err) {
      const p = describeFailure(err, row.apiUrl);
      return fragment(c, <CodeResult error={c.var.t("instances.codeFailed", { reason: c.var.t(p.key, p.params) })} />);
    }
  })

  // Every quarantined notification of the number read and processed again with the current code.
  .post("/quarantine/replay", managersOnly, async (c) => {
    const { deps, instanceId, t } = c.var;
    const result = await replayQuarantined(deps, { instanceId });
    if (c.req.header("hx-request") === "true" && c.req.header("hx-boosted") !== "true") {
      return fragment(
        c,
        <QuarantinePanel instanceId={instanceId} {...(await quarantineOf(deps.db, instanceId))} result={result} />,
      );
    }
    flash(c, "ok", t("intake.quarantine.replayed", { stored: result.stored, left: result.quarantined }));
    return c.redirect(`/instances/${instanceId}`, 303);
  })

  .post("/logout", managersOnly, async (c) => action(c, "logout"))
  .post("/reboot", managersOnly, async (c) => action(c, "reboot"))

  .route("/", editRoutes)
  .route("/history", historyRoutes);

export const instanceRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const list = await c.var.deps.instances.listVisible(c.var.user!);
    return c.render(<InstancesPage instances={list} mayManage={can(c.var.user, "manageInstances")} />, {
      title: c.var.t("instances.title"),
    });
  })
  .route("/new", newInstanceRoutes)
  .route(ONE_NUMBER, numberRoutes);

/** Logout or restart at Green-API, recorded in the audit log; back to the number's page with the outcome. */
async function action(c: Context<AppEnv>, what: "logout" | "reboot") {
  const { deps, user, t } = c.var;
  const row = (await deps.instances.getRow(c.var.instanceId))!;
  try {
    if (what === "logout") await deps.gateway.call(row, "logout", "normal", (g) => g.logout(), { maxAttempts: 1 });
    else await deps.gateway.call(row, "reboot", "normal", (g) => g.reboot(), { maxAttempts: 1 });
    const state = what === "logout" ? "notAuthorized" : "starting";
    await deps.instances.setState(row.id, state);
    announceInstance(deps.bus, row.id, "state", { state });
    await deps.audit.record({
      action: what === "logout" ? "instance.loggedOut" : "instance.rebooted",
      userId: user!.id,
      actor: user!.username,
      ip: clientIp(c),
      target: `instance:${row.id}`,
      details: { name: row.name },
    });
    flash(c, "ok", t(what === "logout" ? "instances.loggedOut" : "instances.rebooted"));
  } catch (err) {
    const p = describeFailure(err, row.apiUrl);
    flash(c, "error", t("instances.actionFailed", { reason: t(p.key, p.params) }));
  }
  return c.redirect(`/instances/${row.id}`, 303);
}
