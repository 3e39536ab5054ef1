// The Hono app: middleware order, capability routes, error pages. Built from injected dependencies.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { jsxRenderer } from "hono/jsx-renderer";
import { secureHeaders } from "hono/secure-headers";
import { loginRoutes, logoutRoutes } from "./signin/routes.tsx";
import { setupRoutes } from "./signin/setup-routes.tsx";
import { csrf } from "./auth/csrf.ts";
import { sessionLoader, requireUser } from "./auth/middleware.ts";
import { instanceGate, INSTANCE_SCOPE } from "./auth/instance-gate.ts";
import { takeFlash } from "./auth/cookies.ts";
import { usersRoutes } from "./users/routes.tsx";
import { settingsRoutes } from "./users/settings-routes.tsx";
import { auditRoutes } from "./audit/routes.tsx";
import { backupRoutes } from "./backups/routes.tsx";
import { instanceRoutes } from "./instances/routes.tsx";
import { chatListRoutes, conversationRoutes, numberChatListRoutes } from "./inbox/routes.tsx";
import { newChatRoutes, sendRoutes } from "./inbox/send-routes.tsx";
import { messageRoutes } from "./inbox/message-routes.tsx";
import { presenceRoutes } from "./inbox/presence-routes.tsx";
import { availabilityRoutes, teamChatRoutes, teamSettingsRoutes, teamTabRoutes } from "./team/routes.tsx";
import { contactRoutes, labelRoutes, quickReplyRoutes } from "./team/pages.tsx";
import { liveRoutes } from "./live/routes.ts";
import { mediaRoutes } from "./inbox/media-routes.ts";
import { webhookRoutes } from "./greenapi/webhook-routes.ts";
import { can } from "./auth/permissions.ts";
import type { AppDeps, AppEnv } from "./env.ts";
import { resolveLocale, translator } from "./lib/i18n.ts";
import { requestLog } from "./lib/request-log.ts";
import { staticFiles } from "./lib/static.ts";
import { compression } from "./lib/compress.ts";
import { pageEtag } from "./lib/page-etag.ts";
import { Layout } from "../views/layout.tsx";
import { Dashboard } from "../views/dashboard.tsx";
import { renderError } from "./errors.tsx";
import { httpMetrics } from "./metrics/http.ts";
import { healthRoutes, metricsRoutes } from "./metrics/routes.ts";
import { pushRoutes, serviceWorkerRoutes } from "./push/routes.ts";

/** Paths that anonymous visitors may open. */
const PUBLIC_PATHS = new Set(["/login", "/setup", "/healthz"]);

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  // Green-API's webhooks (hundreds per second from a busy number) are machine-to-machine: they skip the page machinery
  // below (security headers for browsers, locale, renderer) and end here.
  app.use("/webhooks/*", requestLog(deps.log), httpMetrics(), async (c, next) => {
    c.set("deps", deps);
    return next();
  });
  app.route("/webhooks", webhookRoutes);

  app.use(requestLog(deps.log));
  app.use(httpMetrics());
  app.use(compression(), pageEtag());
  // Static files (hashed CSS, JS, icons) are no documents: a page's policy headers (CSP, frame options, HSTS…) mean
  // nothing on them and cost ≈ 600 bytes on each of a page's ≈ 20 files, so they are answered before those headers.
  app.get("/public/*", staticFiles());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The vendored emoji picker (public/vendor/emoji-picker-element, `npm run vendor`) styles its shadow root with one
        // <style>, allowed by its hash (a new version changes it: test/browser/emoji.test.ts then fails on the CSP
        // violation), and sets style attributes as it renders: inline style attributes are the one loosening.
        styleSrc: ["'self'", "'sha256-rg2BpwZ4T9EADaas/dlxn0KsISPDXXIabE9pnJ++3UQ='"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(async (c, next) => {
    c.set("deps", deps);
    const locale = resolveLocale(null, c.req.header("accept-language"), deps.config.DEFAULT_LOCALE);
    c.set("locale", locale);
    c.set("t", translator(locale));
    c.set("user", null);
    c.set("session", null);
    c.set("csrfToken", "");
    return next();
  });
  app.use(
    jsxRenderer(({ children, title }, c) => (
      <Layout title={title} flash={takeFlash(c)} showUsers={can(c.var.user, "manageUsers")}>
        {children}
      </Layout>
    )),
  );
  app.route("/", serviceWorkerRoutes);
  app.route("/", healthRoutes);
  app.use(csrf({ exempt: (path) => path.startsWith("/webhooks/") }));
  app.use(sessionLoader());
  app.route("/", metricsRoutes); // answers anonymous scrapers itself (401), so it sits before the sign-in gate
  app.use(async (c, next) =>
    PUBLIC_PATHS.has(c.req.path) || c.req.path.startsWith("/login/") ? next() : requireUser()(c, next),
  );
  app.use(INSTANCE_SCOPE, instanceGate());
  app.use(`${INSTANCE_SCOPE}/*`, instanceGate());

  // The inbox is the first page (after sign-in, the brand link); the overview is a section of its own.
  app.route("/", chatListRoutes);
  app.get("/overview", async (c) => {
    const user = c.var.user!;
    const [totals, instances, unread] = await Promise.all([
      deps.instances.totals(user),
      deps.instances.listVisible(user),
      deps.inbox.unreadChats(user),
    ]);
    // Unread is the user's own (their read markers), like the chat list and the tab title.
    return c.render(
      <Dashboard totals={{ ...totals, unread }} instances={instances} mayManage={can(user, "manageInstances")} />,
      {
        title: c.var.t("dashboard.title"),
      },
    );
  });
  app.route("/login", loginRoutes);
  app.route("/logout", logoutRoutes);
  app.route("/setup", setupRoutes);
  app.route("/users", usersRoutes);
  app.route("/push", pushRoutes);
  app.route("/settings", settingsRoutes);
  app.route("/audit", auditRoutes);
  app.route("/backups", backupRoutes);
  app.route("/instances", instanceRoutes);
  // The web chat. Sub-apps at one prefix run each other's middleware (Hono merges them into one router): the gate and
  // the chat loader they each declare do their work once per request.
  const chats = `${INSTANCE_SCOPE}/chats`;
  const chat = `${chats}/:chatId{[0-9]+}`;
  app.route("/chats", chatListRoutes);
  app.route("/chats", teamTabRoutes);
  app.route(chats, numberChatListRoutes);
  app.route(chat, conversationRoutes);
  app.route(chat, sendRoutes);
  app.route(`${chat}/messages/:messageId{[0-9]+}`, messageRoutes);
  app.route(chat, presenceRoutes);
  app.route(chat, teamChatRoutes);
  app.route(`${INSTANCE_SCOPE}/messages`, newChatRoutes);
  app.route(`${INSTANCE_SCOPE}/media/:messageId{[0-9]+}`, mediaRoutes);
  app.route(`${INSTANCE_SCOPE}/team-settings`, teamSettingsRoutes);
  app.route("/team", availabilityRoutes);
  app.route("/quick-replies", quickReplyRoutes);
  app.route("/labels", labelRoutes);
  app.route("/contacts", contactRoutes);
  app.route("/events", liveRoutes);

  app.notFound((c) => renderError(c, new HTTPException(404, { message: "not found" })));
  app.onError((err, c) => renderError(c, err));
  return app;
}
