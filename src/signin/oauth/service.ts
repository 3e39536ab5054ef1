// Invite-only OAuth sign-in: an identity signs in as the user it is linked to, or whose verified e-mail it carries.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { oauthAccounts, users } from "../../db/schema/index.ts";
import type { UserRow } from "../../auth/sessions.ts";
import type { Identity, ProviderId } from "./providers.ts";

export function createOAuthService(db: Db) {
  return {
    /** The user this identity signs in as (linking it on first use by e-mail), or null when there is none. */
    async resolve(provider: ProviderId, identity: Identity): Promise<UserRow | null> {
      const [linked] = await db
        .select({ user: users })
        .from(oauthAccounts)
        .innerJoin(users, eq(users.id, oauthAccounts.userId))
        .where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.subject, identity.subject)));
      if (linked) return linked.user.disabled ? null : linked.user;
      if (!identity.email) return null;
      const [byEmail] = await db.select().from(users).where(sql`lower(${users.email}) = ${identity.email}`);
      if (!byEmail || byEmail.disabled) return null;
      await db
        .insert(oauthAccounts)
        .values({ provider, subject: identity.subject, userId: byEmail.id, email: identity.email })
        .onConflictDoNothing();
      return byEmail;
    },
  };
}
