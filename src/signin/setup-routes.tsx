// The first-admin setup link (/setup?token=…): only while no user exists, only with the token printed at start.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../lib/client-ip.ts";
import { setSessionCookie, flash } from "../auth/cookies.ts";
import type { UserRow } from "../auth/sessions.ts";
import { tokensEqual } from "../auth/tokens.ts";
import { UsernameTakenError } from "../users/service.ts";
import { SetupPage } from "../../views/auth/login.tsx";

const token = z.string().min(1).max(64);
const setupQuery = z.object({ token });
const setupForm = z.object({
  token,
  username: z.string(),
  displayName: z.string().trim().max(80).optional(),
  password: z.string().max(256),
  confirm: z.string().max(256),
});

/** A setup link is either right or does not exist: a malformed one answers like a wrong or spent one. */
const invalidLink = () => new HTTPException(404, { message: "setup link invalid" });
const linkOnly = (result: { success: boolean }) => {
  if (!result.success) throw invalidLink();
};
const isSetupToken = (presented: string, expected: string | null) =>
  expected !== null && tokensEqual(presented, expected);

/** Mounted at /setup. */
export const setupRoutes = new Hono<AppEnv>()
  .get("/", zValidator("query", setupQuery, linkOnly), (c) => {
    const { token } = c.req.valid("query");
    if (!isSetupToken(token, c.var.deps.setup.token)) throw invalidLink();
    return c.render(<SetupPage token={token} />, { title: c.var.t("setup.title") });
  })

  .post("/", zValidator("form", setupForm, linkOnly), async (c) => {
    const { users, sessions, audit, setup } = c.var.deps;
    const t = c.var.t;
    const form = c.req.valid("form");
    if (!isSetupToken(form.token, setup.token)) throw invalidLink();
    const again = (error: string) => {
      c.status(400);
      return c.render(
        <SetupPage token={form.token} error={error} username={form.username} displayName={form.displayName} />,
        { title: t("setup.title") },
      );
    };
    if (form.password !== form.confirm) return again(t("setup.mismatch"));
    if ((await users.count()) > 0) throw new HTTPException(404, { message: "setup already done" });
    let user: UserRow;
    try {
      // The user service checks the user rules (users/service.ts newUserSchema); its messages go back to the form.
      user = await users.create({
        username: form.username,
        displayName: form.displayName || undefined,
        password: form.password,
        isAdmin: true,
      });
    } catch (err) {
      if (err instanceof z.ZodError) return again(err.issues.map((i) => i.message).join("; "));
      if (err instanceof UsernameTakenError) return again(t("setup.taken"));
      throw err;
    }
    setup.token = null;
    await audit.record({ action: "auth.setup", userId: user.id, actor: user.username, ip: clientIp(c) });
    c.var.log.info({ userId: user.id }, "first admin created through the setup link");
    const { token } = await sessions.create(user.id, { userAgent: c.req.header("user-agent"), ip: clientIp(c) });
    setSessionCookie(c, token);
    flash(c, "ok", t("setup.done"));
    return c.redirect("/", 303);
  });
