// Create, edit and remove instances: /instances/new (the "manage instances" right) and one number's /edit and /delete
// (seeing the form needs access, checked by the instance gate; saving and removing need the right to manage it).
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireCapability } from "../auth/middleware.ts";
import { flash } from "../auth/cookies.ts";
import { clientIp } from "../lib/client-ip.ts";
import { defaultHosts } from "../greenapi/hosts.ts";
import { InstanceFormPage, type InstanceFormProps } from "../../views/instances/form.tsx";
import {
  fieldErrors,
  instanceFormSchema,
  lastStrings,
  maskToken,
  postedValues,
  type FieldErrors,
  type FormValues,
  type InstanceForm,
} from "./form.ts";
import { createInstance, updateInstance, type Actor, type SaveResult } from "./manage.ts";
import { deleteInstance, retireInstance } from "./retire.ts";
import { managersOnly } from "./manager-gate.ts";
import { describeProblem } from "./problems.ts";
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
    telegramLocale: row.telegramLocale ?? "",
    autoReplyEnabled: row.autoReplyEnabled ? "on" : "",
    autoReplyText: row.autoReplyText ?? "",
    autoReplyIntervalHours: String(row.autoReplyIntervalHours),
    markReadPolicy: row.markReadPolicy,
    enabled: row.enabled ? "on" : "off",
  };
}

type PageProps = Omit<
  InstanceFormProps,
  "webhookAllowed" | "telegram" | "mayManage" | "hosts" | "defaultAutoReplyHours"
> & { mayManage?: boolean };

/** The form page (also with what went wrong: 200, so htmx-boosted forms show it). */
async function page(c: Context<AppEnv>, props: PageProps) {
  const { deps, t } = c.var;
  const telegram = await deps.instances.telegramChoices();
  const title =
    props.instanceId === undefined ? t("instances.newTitle") : t("instances.editTitle", { name: props.name ?? "" });
  return c.render(
    <InstanceFormPage
      {...props}
      mayManage={props.mayManage ?? true}
      telegram={telegram}
      webhookAllowed={Boolean(deps.config.PUBLIC_URL)}
      hosts={defaultHosts(props.values.idInstance ?? "")}
      defaultAutoReplyHours={deps.config.AUTO_REPLY_INTERVAL_HOURS}
    />,
    { title },
  );
}

/** The edit form again with the values posted and what went wrong. */
async function editAgain(c: Context<AppEnv>, errors: FieldErrors, values: FormValues, problem?: string) {
  const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
  const maskedToken = maskToken(row.apiToken);
  return page(c, { instanceId: row.id, name: row.name, values, errors, problem, maskedToken, impact: undefined });
}

/** What was posted, to show back after the service refused it (the validator has already read the body). */
async function posted(c: Context<AppEnv>): Promise<FormValues> {
  return postedValues(await c.req.parseBody());
}

function problemText(c: Context<AppEnv>, result: Extract<SaveResult, { ok: false }>): string | undefined {
  return result.problem ? describeProblem(c.var.t, result.problem) : undefined;
}

type FormInvalid = (c: Context<AppEnv>, errors: FieldErrors, values: FormValues) => Promise<Response>;

/**
 * The instance form validated at the edge against this app's context (may webhooks be used? which Telegram chats may
 * the bot post to?): the schema depends on it, so it is built per request. A form that fails goes to `invalid`.
 */
function validForm(creating: boolean, invalid: FormInvalid) {
  return createMiddleware<AppEnv, string, { in: { form: Record<string, string> }; out: { form: InstanceForm } }>(
    async (c, next) => {
      const telegram = await c.var.deps.instances.telegramChoices();
      const schema = instanceFormSchema({
        creating,
        webhookAllowed: Boolean(c.var.deps.config.PUBLIC_URL),
        telegramChatIds: telegram.map((t) => t.id),
      });
      // The hook answers with this request's context (zValidator types its own with Hono's bare Env).
      const check: MiddlewareHandler = zValidator("form", schema, (result) =>
        result.success ? undefined : invalid(c, fieldErrors(result.error.issues), postedValues(result.data)),
      );
      return check(c, next);
    },
  );
}

/** Removing a number: its name typed again, and whether its history goes too ("remove") or stays ("keep"). */
const deleteForm = z.preprocess(
  lastStrings,
  z.object({ confirm: z.string().trim().optional(), history: z.string().optional() }),
);

/** /instances/new: everything here needs the "manage instances" right. */
export const newInstanceRoutes = new Hono<AppEnv>()
  .use(requireCapability("manageInstances"))
  .get("/", (c) => page(c, { values: {}, errors: {} }))

  .post(
    "/",
    validForm(true, (c, errors, values) => page(c, { values, errors })),
    async (c) => {
      const saved = await createInstance(c.var.deps, actor(c), c.req.valid("form"));
      if (!saved.ok)
        return page(c, { values: await posted(c), errors: saved.fieldErrors ?? {}, problem: problemText(c, saved) });
      flash(
        c,
        saved.applied ? "ok" : "error",
        saved.settingsProblem ? describeProblem(c.var.t, saved.settingsProblem) : c.var.t("instances.created"),
      );
      return c.redirect(`/instances/${saved.row.id}`, 303);
    },
  );

/** One number's /edit and /delete (mounted below the gated /instances/:instanceId). */
export const editRoutes = new Hono<AppEnv>()
  .get("/edit", async (c) => {
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

  .post("/edit", managersOnly, validForm(false, editAgain), async (c) => {
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    const saved = await updateInstance(c.var.deps, actor(c), row, c.req.valid("form"));
    if (!saved.ok) return editAgain(c, saved.fieldErrors ?? {}, await posted(c), problemText(c, saved));
    if (saved.settingsProblem) flash(c, "error", describeProblem(c.var.t, saved.settingsProblem));
    else flash(c, "ok", c.var.t(saved.applied ? "instances.applying" : "instances.saved"));
    return c.redirect(`/instances/${row.id}`, 303);
  })

  .post("/delete", managersOnly, zValidator("form", deleteForm), async (c) => {
    const row = (await c.var.deps.instances.getRow(c.var.instanceId))!;
    const { confirm, history } = c.req.valid("form");
    if (confirm !== row.name) {
      flash(c, "error", c.var.t("instances.deleteWrongName"));
      return c.redirect(`/instances/${row.id}/edit`, 303);
    }
    if (history === "remove") {
      await deleteInstance(c.var.deps, actor(c), row);
      flash(c, "ok", c.var.t("instances.deleted", { name: row.name }));
      return c.redirect("/instances", 303);
    }
    await retireInstance(c.var.deps, actor(c), row);
    flash(c, "ok", c.var.t("instances.retired", { name: row.name }));
    return c.redirect(`/instances/${row.id}`, 303);
  });
