// Web Push routes: a device's subscription (saved and removed by public/push.js), its settings, the test button; and
// the service worker at /sw.js (served from the site's root so its scope is the whole app, never cached for long).
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { asset, assetUrl, PAGE_SCRIPTS, PAGE_STYLES } from "../lib/assets.ts";
import { failWith } from "../lib/validate.ts";
import { flash } from "../auth/cookies.ts";
import { PUSH_SCOPES } from "./service.ts";

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+=*$/, "base64url");
const endpoint = z.url({ protocol: /^https?$/ }).max(2048);

const subscriptionBody = z.object({
  endpoint,
  // An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url as PushSubscription.toJSON() gives them.
  keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 32) }),
  previews: z.boolean().optional(),
  scope: z.enum(PUSH_SCOPES).optional(),
});
const endpointBody = z.object({ endpoint });
const settingsForm = z.object({
  endpoint,
  previews: z.literal("on").optional(),
  scope: z.enum(PUSH_SCOPES),
});
const testForm = z.object({ endpoint: z.union([endpoint, z.literal("")]).optional() });

/** Push services are https: plain http only where private hosts are allowed (a self-hosted setup, tests' fake). */
function checkEndpoint(c: { var: AppEnv["Variables"] }, url: string) {
  if (!url.startsWith("https://") && !c.var.deps.config.GREEN_API_ALLOW_PRIVATE_HOSTS)
    throw new HTTPException(400, { message: "a push endpoint must be https" });
}

/** Mounted at /push. */
export const pushRoutes = new Hono<AppEnv>()
  .post("/subscriptions", zValidator("json", subscriptionBody, failWith(400, "not a push subscription")), async (c) => {
    const body = c.req.valid("json");
    checkEndpoint(c, body.endpoint);
    await c.var.deps.push.subscribe(c.var.user!.id, {
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
      previews: body.previews,
      scope: body.scope,
    });
    return c.body(null, 204);
  })

  .post(
    "/subscriptions/remove",
    zValidator("json", endpointBody, failWith(400, "endpoint: a URL is needed")),
    async (c) => {
      await c.var.deps.push.unsubscribe(c.var.user!.id, c.req.valid("json").endpoint);
      return c.body(null, 204);
    },
  )

  .post("/settings", zValidator("form", settingsForm, failWith(400, "endpoint, scope: required")), async (c) => {
    const form = c.req.valid("form");
    const mine = await c.var.deps.push.configure(c.var.user!.id, form.endpoint, {
      previews: form.previews === "on",
      scope: form.scope,
    });
    if (!mine) throw new HTTPException(404, { message: "no such device" });
    flash(c, "ok", c.var.t("push.saved"));
    return c.redirect("/settings#push", 303);
  })

  .post("/test", zValidator("form", testForm, failWith(400, "endpoint: a URL or nothing")), async (c) => {
    const sent = await c.var.deps.push.sendTest(
      c.var.user!.id,
      c.var.locale,
      c.req.valid("form").endpoint || undefined,
    );
    flash(c, sent > 0 ? "ok" : "error", c.var.t(sent > 0 ? "push.testSent" : "push.testNone"));
    return c.redirect("/settings#push", 303);
  });

/** The static files the service worker keeps (their hashed URLs: a release changes them and so the worker). */
const SHELL_FILES = [...PAGE_STYLES, ...PAGE_SCRIPTS, "icon.svg"];

/** Mounted at / (before sign-in: the worker is fetched by the browser on its own, also on the sign-in page). */
export const serviceWorkerRoutes = new Hono<AppEnv>().get("/sw.js", (c) => {
  const worker = asset("sw.js");
  if (!worker) return c.notFound();
  const shell = SHELL_FILES.filter((name) => asset(name)).map((name) => assetUrl(name));
  shell.push("/public/app.css", "/public/icons/icon-192.png");
  const version = new Bun.CryptoHasher("sha256")
    .update(`${worker.hash} ${shell.join(" ")}`)
    .digest("hex")
    .slice(0, 16);
  const head = `self.SHELL = ${JSON.stringify(shell)};\nself.SHELL_VERSION = ${JSON.stringify(version)};\n`;
  return c.body(head + new TextDecoder().decode(worker.bytes), 200, {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "no-cache",
    "Service-Worker-Allowed": "/",
  });
});
