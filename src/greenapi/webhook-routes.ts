// The webhook endpoint Green-API posts to: authenticated by the instance's webhookUrlToken, journaled idempotently.
// Every authenticated, parseable body of this instance gets 200 (one that cannot be read is kept in quarantine): a
// refusal only makes Green-API deliver it again for a day.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { tokensEqual } from "../auth/tokens.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The token as Green-API's own integration library (@green-api/greenapi-integration, its webhook guard) reads the
 * header: the second word, whatever the first (`Bearer`, `Basic`, …) — the docs do not promise which the service sends.
 */
function presentedToken(authorization: string | undefined): string {
  return authorization?.trim().split(/\s+/)[1] ?? "";
}

/** The instance in the URL (the route's pattern already admits 1-9 digits only, so this cannot fail). */
const instanceParam = zValidator("param", z.object({ instanceId: z.coerce.number().int() }));

/** The token presented in `Authorization` ("" when none: refused below like a wrong one). */
const presented = zValidator(
  "header",
  z.object({ authorization: z.string().optional() }).transform((h) => ({ token: presentedToken(h.authorization) })),
);

/**
 * Mounted at /webhooks. Only the URL and the header are validated at the edge: the body is not, on purpose. Any JSON
 * goes to the intake, which journals what it can read and quarantines the rest (200 `quarantined: true`); a refusal
 * by a schema here would only make Green-API deliver it again for a day.
 */
export const webhookRoutes = new Hono<AppEnv>().post(
  "/green-api/:instanceId{[0-9]{1,9}}",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      c.var.log.info({ path: "webhook" }, "webhook body too large");
      return c.json({ error: "body too large" }, 413);
    },
  }),
  instanceParam,
  presented,
  async (c) => {
    const { instances, intake, log } = { ...c.var.deps, log: c.var.log };
    const { instanceId } = c.req.valid("param");
    const { token } = c.req.valid("header");
    const instance = await instances.webhookAuth(instanceId);
    if (!instance || !token || !tokensEqual(token, instance.webhookToken)) {
      log.info({ instanceId }, "webhook refused: unknown instance or wrong token");
      return c.json({ error: "unauthorized" }, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      log.info({ instanceId: instance.id }, "webhook refused: body is not JSON");
      return c.json({ error: "body must be JSON" }, 400);
    }
    const result = await intake.accept(instance.id, instance.idInstance, body, "webhook");
    if (!result.ok) {
      log.info({ instanceId: instance.id, reason: result.reason }, "webhook refused");
      return c.json({ error: result.reason }, 400);
    }
    return c.json(
      result.quarantined
        ? { ok: true, duplicate: result.duplicate, quarantined: true }
        : { ok: true, duplicate: result.duplicate },
    );
  },
);
