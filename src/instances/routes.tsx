// Instance pages: the list of numbers the user may see and one number's overview (behind the instance gate).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../lib/context.ts";
import { can } from "../auth/permissions.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { InstancePage, InstancesPage } from "../../views/instances/list.tsx";

export const instanceRoutes = new Hono<AppEnv>()
  .get("/instances", async (c) => {
    const list = await c.var.deps.instances.listVisible(c.var.user!);
    return c.render(<InstancesPage instances={list} mayManage={can(c.var.user, "manageInstances")} />, { title: c.var.t("instances.title") });
  })

  .get(INSTANCE_SCOPE, async (c) => {
    const instance = await c.var.deps.instances.getView(c.var.instanceId);
    if (!instance) throw new HTTPException(404, { message: "not found" });
    return c.render(<InstancePage instance={instance} />, { title: instance.name });
  });
