// The audit log page (administrators only).
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireCapability } from "../auth/middleware.ts";
import { AuditPage } from "../../views/audit.tsx";

const query = z.object({
  action: z
    .string()
    .regex(/^[a-zA-Z.]{1,40}$/)
    .optional()
    .catch(undefined),
  actor: z.string().trim().min(1).max(64).optional().catch(undefined),
  before: z
    .string()
    .regex(/^[^|]+\|\d+$/)
    .transform((v) => {
      const [at, id] = v.split("|") as [string, string];
      return { at: new Date(at), id: Number(id) };
    })
    .refine((v) => !Number.isNaN(v.at.getTime()))
    .optional()
    .catch(undefined),
});

/** Mounted at /audit. */
export const auditRoutes = new Hono<AppEnv>()
  .use(requireCapability("admin"))
  // Filters that do not parse are dropped (each field catches), so the query never fails.
  .get("/", zValidator("query", query), async (c) => {
    const filter = c.req.valid("query");
    const { rows, more } = await c.var.deps.audit.list(filter);
    return c.render(
      <AuditPage
        rows={rows}
        more={more}
        filter={{ action: filter.action, actor: filter.actor }}
        retentionDays={c.var.deps.config.AUDIT_RETENTION_DAYS}
      />,
      { title: c.var.t("audit.title") },
    );
  });
