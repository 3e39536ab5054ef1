// The sign-in step that links Telegram before the code: only with a challenge opened by the right password (stage
// "link"), only for a user with no Telegram yet, and it ends at the code step — never in a session by itself.
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import { eq } from "drizzle-orm";
import { users } from "../db/schema/index.ts";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../lib/client-ip.ts";
import { LinkPage } from "../../views/auth/link.tsx";
import { CHALLENGE_COOKIE, sendCode, setChallengeCookie } from "./sign-in.ts";

/** The challenge waiting for a link and its user (still allowed to sign in), or null. */
async function pending(c: Context<AppEnv>) {
  const token = getCookie(c, CHALLENGE_COOKIE);
  const challenge = c.var.deps.challenges.get(token, "link");
  if (!token || !challenge || !c.var.deps.telegram) return null;
  const [user] = await c.var.deps.db.select().from(users).where(eq(users.id, challenge.userId));
  if (!user || user.disabled) return null;
  return { token, user };
}

const page = (c: Context<AppEnv>, props: { linkUrl?: string; error?: string } = {}) =>
  c.render(<LinkPage {...props} />, { title: c.var.t("twofa.linkTitle") });

/** Mounted at /login/link. */
export const linkRoutes = new Hono<AppEnv>()
  .get("/", async (c) => ((await pending(c)) ? page(c) : c.redirect("/login", 303)))

  // A sign-in link ("enrol") can only make a first link: it never moves the Telegram account of a user who has one.
  .post("/", async (c) => {
    const found = await pending(c);
    if (!found) return c.redirect("/login", 303);
    if (found.user.telegramUserId !== null) return page(c);
    const { url } = await c.var.deps.telegram!.codes.createLinkToken(found.user.id, "enrol");
    return page(c, { linkUrl: url });
  })

  .post("/done", async (c) => {
    const found = await pending(c);
    if (!found) return c.redirect("/login", 303);
    if (found.user.telegramUserId === null) {
      c.status(400);
      return page(c, { error: c.var.t("twofa.linkNotYet") });
    }
    const refused = await sendCode(c, found.user, clientIp(c));
    if (refused) {
      c.status(refused.status);
      return page(c, { error: refused.error });
    }
    c.var.deps.challenges.toCode(found.token);
    setChallengeCookie(c, found.token, "code");
    return c.redirect("/login/code", 303);
  });
