// First start: create the admin from ADMIN_USERNAME/ADMIN_PASSWORD, or open a one-time setup link.
import type { AppDeps } from "./env.ts";
import { randomToken } from "./auth/tokens.ts";

/** Returns the setup URL when one was opened, else null. */
export async function ensureFirstAdmin(deps: AppDeps, baseUrl: string): Promise<string | null> {
  const { config, users, log } = deps;
  if ((await users.count()) > 0) return null;
  if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD) {
    const user = await users.create({
      username: config.ADMIN_USERNAME,
      password: config.ADMIN_PASSWORD,
      isAdmin: true,
    });
    await deps.audit.record({
      action: "user.created",
      actor: "bootstrap",
      target: `user:${user.id}`,
      details: { admin: true },
    });
    log.info({ username: user.username }, "created the first admin from ADMIN_USERNAME");
    return null;
  }
  deps.setup.token = randomToken(24);
  // The link is a password until it is used: it goes to the operator's terminal (the caller prints it), not the log.
  log.warn("no users yet: a one-time setup link to create the first admin was printed on standard error");
  return `${baseUrl}/setup?token=${deps.setup.token}`;
}
