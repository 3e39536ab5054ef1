// The backups page, "back up now" and downloads (administrators only).
import { Hono, type Context } from "hono";
import { RequestContext } from "hono/jsx-renderer";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
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

// The service decides which names are backups (backups/files.ts); anything else is no file.
const nameParam = zValidator("param", z.object({ name: z.string().min(1).max(200) }), (result, c) =>
  result.success ? undefined : c.notFound(),
);

/** Mounted at /backups. */
export const backupRoutes = new Hono<AppEnv>()
  .use(requireCapability("admin"))
  .get("/", (c) => c.render(<BackupsPage {...props(c)} />, { title: c.var.t("backups.title") }))
  .post("/", async (c) => {
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
  .get("/:name", nameParam, async (c) => {
    const { name } = c.req.valid("param");
    const path = c.var.deps.backups.path(name);
    if (!path) return c.notFound();
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
