// The audit log page (administrators only): entries told as sentences in the reader's language, filters in words.
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireCapability } from "../auth/middleware.ts";
import { AuditPage } from "../../views/audit.tsx";
import { AUDIT_GROUPS, auditFilter, filterActions } from "./actions.ts";
import { auditActors, auditNames } from "./names.ts";
import { auditSentence } from "./sentences.ts";

const query = z.object({
  action: z
    .string()
    .regex(/^[a-zA-Z.]{1,40}$/)
    .optional()
    .catch(undefined)
    .transform(auditFilter),
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
    const { action, actor, before } = c.req.valid("query");
    const { db, audit, config } = c.var.deps;
    const [{ rows, more }, people] = await Promise.all([
      audit.list({ actions: filterActions(action), actor, before }),
      auditActors(db),
    ]);
    const names = await auditNames(db, rows);
    const entries = rows.map((row) => ({
      id: row.id,
      at: row.at,
      ip: row.ip,
      sentence: auditSentence(c.var.t, c.var.locale, row, names),
    }));
    return c.render(
      <AuditPage
        entries={entries}
        more={more}
        groups={AUDIT_GROUPS}
        people={people}
        filter={{ action, actor }}
        retentionDays={config.AUDIT_RETENTION_DAYS}
      />,
      { title: c.var.t("audit.title") },
    );
  });
