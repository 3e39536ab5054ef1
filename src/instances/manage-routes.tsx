// Create, edit and remove instances (manage capability; editing also needs access, checked by the instance gate).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/context.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { requireCapability } from "../auth/middleware.ts";
import { flash } from "../auth/cookies.ts";
import { clientIp } from "../lib/client-ip.ts";
import { InstanceFormPage, type InstanceFormProps } from "../../views/instances/form.tsx";
import { maskToken, parseInstanceForm, postedValues, type FormValues } from "./form.ts";
import {
  createInstance,
  deleteInstance,
  retireInstance,
  updateInstance,
  type Actor,
  type SaveResult,
} from "./manage.ts";
import type { InstanceRow } from "./service.ts";

function actor(c: Context<AppEnv>): Actor {
  return { userId: c.var.user!.id, username: c.var.user!.username, ip: clientIp(c) };
}

function valuesOf(row: InstanceRow): FormValues {
  return {
    name: row.name,
    idInstance: String(row.idInstance),
    apiUrl: row.apiUrl,
    mediaUrl: row.mediaUrl,
    intakeMode: row.intakeMode,
    telegramChatId: row.telegramChatId === null ? "" : String(row.telegramChatId),
    autoReplyEnabled: row.autoReplyEnabled ? "on" : "",
    autoReplyText: row.autoReplyText ?? "",
    autoReplyIntervalHours: String(row.autoReplyIntervalHours),
    markReadPolicy: row.markReadPolicy,
    enabled: row.enabled ? "on" : "off",
  };
}

async function page(
  c: Context<AppEnv>,
  props: Omit<InstanceFormProps, "webhookAllowed" | "telegram" | "mayManage"> & { mayManage?: boolean },
) {
  const telegram = await c.var.deps.instances.telegramChoices();
  const title =
    props.instanceId === undefined
      ? c.var.t("instances.newTitle")
      : c.var.t("instances.editTitle", { name: props.name ?? "" });
  return c.render(
    <InstanceFormPage
      {...props}
      mayManage={props.mayManage ?? true}
      telegram={telegram}
      webhookAllowed={Boolean(c.var.deps.config.PUBLIC_URL)}
    />,
    { title },
  );
}

async function parse(c: Context<AppEnv>, creating: boolean) {
  const body = await c.req.parseBody();
  const telegram = await c.var.deps.instances.telegramChoices();
  const ctx = {
    creating,
    webhookAllowed: Boolean(c.var.deps.config.PUBLIC_URL),
    telegramChatIds: telegram.map((t) => t.id),
  };
  return { body, result: parseInstanceForm(body, ctx) };
}

/** The form again with what went wrong (200, so htmx-boosted forms show it). */
function problemText(c: Context<AppEnv>, result: Extract<SaveResult, { ok: false }>): string | undefined {
  return result.problem ? c.var.t(result.problem.key, result.problem.params) : undefined;
}

export const manageRoutes = new Hono<AppEnv>()
  .get("/instances/new", requireCapability("manageInstances"), (c) => page(c, { values: {}, errors: {} }))

  .post("/instances/new", requireCapability("manageInstances"), async (c) => {
    const { body, result } = await parse(c, true);
    if (!result.ok) return page(c, { values: postedValues(body), errors: result.errors });
    const saved = await createInstance(c.var.deps, actor(c), result.data);
    if (!saved.ok)
      return page(c, { values: postedValues(body), errors: saved.fieldErrors ?? {}, problem: problemText(c, saved) });
    flash(
      c,
      saved.applied ? "ok" : "error",
      saved.settingsProblem
        ? c.var.t(saved.settingsProblem.key, saved.settingsProblem.params)
        : c.var.t("instances.created"),
    );
    return c.redirect(`/instances/${saved.row.id}`, 303);
  })

  .get(`${INSTANCE_SCOPE}/edit`, async (c) => {
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    const mayManage = c.var.mayManageInstance;
    return page(c, {
      instanceId: row.id,
      name: row.name,
      values: valuesOf(row),
      errors: {},
      maskedToken: mayManage ? maskToken(row.apiToken) : undefined,
      mayManage,
      impact: mayManage ? await c.var.deps.instances.impact(row.id) : undefined,
    });
  })

  .post(`${INSTANCE_SCOPE}/edit`, async (c) => {
    if (!c.var.mayManageInstance) throw new HTTPException(403, { message: "forbidden" });
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    const { body, result } = await parse(c, false);
    const again = (errors: InstanceFormProps["errors"], problem?: string) =>
      page(c, {
        instanceId: row.id,
        name: row.name,
        values: postedValues(body),
        errors,
        problem,
        maskedToken: maskToken(row.apiToken),
        impact: undefined,
      });
    if (!result.ok) return again(result.errors);
    const saved = await updateInstance(c.var.deps, actor(c), row, result.data);
    if (!saved.ok) return again(saved.fieldErrors ?? {}, problemText(c, saved));
    if (saved.settingsProblem) flash(c, "error", c.var.t(saved.settingsProblem.key, saved.settingsProblem.params));
    else flash(c, "ok", c.var.t(saved.applied ? "instances.applying" : "instances.saved"));
    return c.redirect(`/instances/${row.id}`, 303);
  })

  .post(`${INSTANCE_SCOPE}/delete`, async (c) => {
    if (!c.var.mayManageInstance) throw new HTTPException(403, { message: "forbidden" });
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    const body = await c.req.parseBody();
    if (typeof body.confirm !== "string" || body.confirm.trim() !== row.name) {
      flash(c, "error", c.var.t("instances.deleteWrongName"));
      return c.redirect(`/instances/${row.id}/edit`, 303);
    }
    if (body.history === "remove") {
      await deleteInstance(c.var.deps, actor(c), row);
      flash(c, "ok", c.var.t("instances.deleted", { name: row.name }));
      return c.redirect("/instances", 303);
    }
    await retireInstance(c.var.deps, actor(c), row);
    flash(c, "ok", c.var.t("instances.retired", { name: row.name }));
    return c.redirect(`/instances/${row.id}`, 303);
  });
