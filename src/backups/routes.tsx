// The backups page, "back up now" and downloads (administrators only).
import { Hono, type Context } from "hono";
import { RequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../lib/context.ts";
import { requireCapability } from "../auth/middleware.ts";
import { flash } from "../auth/cookies.ts";
import { clientIp } from "../lib/client-ip.ts";
import { BackupsPage, BackupsSection, type BackupsProps } from "../../views/backups.tsx";
import { BackupError } from "./tools.ts";

function props(c: Context<AppEnv>, notice: BackupsProps["notice"] = null): BackupsProps {
  const { backups, config } = c.var.deps;
  return {
    backups: backups.list(),
    status: backups.status(),
    settings: {
      intervalHours: config.BACKUP_INTERVAL_HOURS,
      keep: config.BACKUP_MAX_FILES,
      media: config.BACKUP_INCLUDE_MEDIA,
      dir: `${config.DATA_DIR}/backups`,
    },
    notice,
  };
}

export const backupRoutes = new Hono<AppEnv>()
  .get("/backups", requireCapability("admin"), (c) =>
    c.render(<BackupsPage {...props(c)} />, { title: c.var.t("backups.title") }),
  )
  .post("/backups", requireCapability("admin"), async (c) => {
    const user = c.var.user!;
    let notice: NonNullable<BackupsProps["notice"]>;
    try {
      const made = await c.var.deps.backups.run({ userId: user.id, actor: user.username });
      notice = { kind: "ok", text: c.var.t("backups.done", { name: made.name }) };
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      notice = { kind: "error", text: c.var.t("backups.failed", { reason: err.message }) };
    }
    if (c.req.header("hx-request")) {
      return c.html(
        <RequestContext.Provider value={c}>
          <BackupsSection {...props(c, notice)} />
        </RequestContext.Provider>,
      );
    }
    flash(c, notice.kind, notice.text);
    return c.redirect("/backups", 303);
  })
  .get("/backups/:name", requireCapability("admin"), async (c) => {
    const path = c.var.deps.backups.path(c.req.param("name"));
    if (!path) return c.notFound();
    const name = c.req.param("name");
    const user = c.var.user!;
    await c.var.deps.audit.record({
      action: "backup.downloaded",
      userId: user.id,
      actor: user.username,
      ip: clientIp(c),
      target: `backup:${name}`,
    });
    return new Response(Bun.file(path), {
      headers: {
        "Content-Type": name.endsWith(".dump") ? "application/octet-stream" : "application/gzip",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
