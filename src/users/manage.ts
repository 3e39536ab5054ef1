// Managing users: the rules of who may grant what (no self-promotion, admins only by admins, never zero admins).
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { instances, userInstances, users } from "../db/schema/index.ts";
import { canManageUser, grantRefusal } from "../auth/permissions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import { passwordSchema, usernameSchema, UsernameTakenError, type UserService } from "./service.ts";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const ids = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.coerce.number().int().positive()),
);

export const userFormSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1, "display name: required").max(80),
  email: z.preprocess((v) => (v === "" ? undefined : v), z.email("e-mail: not a valid address").max(200).optional()),
  password: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
  isAdmin: checkbox,
  canManageUsers: checkbox,
  canManageInstances: checkbox,
  require2fa: checkbox,
  disabled: checkbox,
  instanceIds: ids,
});
export type UserForm = z.output<typeof userFormSchema>;

/** A rule was broken; `key` names the message shown next to the form. */
export class UserPolicyError extends Error {
  override name = "UserPolicyError";
  constructor(
    readonly key:
      | "users.rule.noAdmins"
      | "users.rule.selfRaise"
      | "users.rule.adminsOnly"
      | "users.rule.rights"
      | "users.rule.instances"
      | "users.rule.outOfReach"
      | "users.rule.passwordRequired"
      | "users.rule.taken",
  ) {
    super(key);
  }
}

export interface EditableUser {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
  canManageUsers: boolean;
  canManageInstances: boolean;
  require2fa: boolean;
  disabled: boolean;
  instanceIds: number[];
}

export function createUserManager(db: Db, userService: UserService) {
  async function instanceIdsOf(userId: number): Promise<number[]> {
    const rows = await db
      .select({ id: userInstances.instanceId })
      .from(userInstances)
      .where(eq(userInstances.userId, userId));
    return rows.map((r) => r.id);
  }

  async function enabledAdmins(): Promise<number[]> {
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isAdmin, true), eq(users.disabled, false)));
    return rows.map((r) => r.id);
  }

  /** Checks what `actor` may grant; `before` is the target as it is now (null when creating). */
  async function check(actor: SessionUser, form: UserForm, before: EditableUser | null): Promise<void> {
    if (before && before.id === actor.id) {
      const raised =
        (form.isAdmin && !before.isAdmin) ||
        (form.canManageUsers && !before.canManageUsers) ||
        (form.canManageInstances && !before.canManageInstances) ||
        form.instanceIds.some((id) => !before.instanceIds.includes(id));
      if (raised) throw new UserPolicyError("users.rule.selfRaise");
    }
    if (before?.isAdmin && !actor.isAdmin) throw new UserPolicyError("users.rule.adminsOnly");
    if (before && !canManageUser(actor, before)) throw new UserPolicyError("users.rule.outOfReach");
    const refused = grantRefusal(actor, form);
    if (refused) throw new UserPolicyError(`users.rule.${refused}`);
    if (before?.isAdmin && !before.disabled && (!form.isAdmin || form.disabled)) {
      const admins = await enabledAdmins();
      if (admins.length <= 1 && admins.includes(before.id)) throw new UserPolicyError("users.rule.noAdmins");
    }
    const known = form.instanceIds.length
      ? (await db.select({ id: instances.id }).from(instances).where(inArray(instances.id, form.instanceIds))).length
      : 0;
    if (known !== form.instanceIds.length) throw new UserPolicyError("users.rule.instances");
  }

  async function setInstances(userId: number, instanceIds: number[]): Promise<void> {
    await db.delete(userInstances).where(eq(userInstances.userId, userId));
    if (instanceIds.length)
      await db.insert(userInstances).values(instanceIds.map((instanceId) => ({ userId, instanceId })));
  }

  return {
    async get(id: number): Promise<EditableUser | undefined> {
      const [u] = await db
        .select({
          id: users.id,
          username: users.username,
          displayName: users.displayName,
          email: users.email,
          isAdmin: users.isAdmin,
          canManageUsers: users.canManageUsers,
          canManageInstances: users.canManageInstances,
          require2fa: users.require2fa,
          disabled: users.disabled,
        })
        .from(users)
        .where(eq(users.id, id));
      return u && { ...u, instanceIds: await instanceIdsOf(id) };
    },

    /** Creates a user as `actor`; returns the new id. */
    async create(actor: SessionUser, form: UserForm): Promise<number> {
      if (!form.password) throw new UserPolicyError("users.rule.passwordRequired");
      await check(actor, form, null);
      try {
        const user = await userService.create({
          username: form.username,
          displayName: form.displayName,
          password: form.password,
          isAdmin: form.isAdmin,
          canManageUsers: form.canManageUsers,
          canManageInstances: form.canManageInstances,
        });
        await db
          .update(users)
          .set({ email: form.email ?? null, require2fa: form.require2fa, disabled: form.disabled })
          .where(eq(users.id, user.id));
        await setInstances(user.id, form.instanceIds);
        return user.id;
      } catch (err) {
        if (err instanceof UsernameTakenError) throw new UserPolicyError("users.rule.taken");
        throw err;
      }
    },

    /** Updates a user as `actor`; returns which fields changed (names only, never values of secrets). */
    async update(actor: SessionUser, id: number, form: UserForm): Promise<{ changed: string[]; endSessions: boolean }> {
      const before = await this.get(id);
      if (!before) throw new UserPolicyError("users.rule.instances");
      await check(actor, form, before);
      const changed = (
        [
          "username",
          "displayName",
          "email",
          "isAdmin",
          "canManageUsers",
          "canManageInstances",
          "require2fa",
          "disabled",
        ] as const
      ).filter((k) => (before[k] ?? undefined) !== (form[k] ?? undefined)) as string[];
      const sameInstances =
        before.instanceIds.length === form.instanceIds.length &&
        form.instanceIds.every((i) => before.instanceIds.includes(i));
      if (!sameInstances) changed.push("instances");
      try {
        await db
          .update(users)
          .set({
            username: form.username,
            displayName: form.displayName,
            email: form.email ?? null,
            isAdmin: form.isAdmin,
            canManageUsers: form.canManageUsers || form.isAdmin,
            canManageInstances: form.canManageInstances || form.isAdmin,
            require2fa: form.require2fa,
            disabled: form.disabled,
          })
          .where(eq(users.id, id));
      } catch (err) {
        if (
          String((err as Error).message + String((err as { cause?: unknown }).cause)).includes(
            "users_username_lower_idx",
          )
        )
          throw new UserPolicyError("users.rule.taken");
        throw err;
      }
      if (!sameInstances) await setInstances(id, form.instanceIds);
      if (form.password) {
        await userService.setPassword(id, form.password);
        changed.push("password");
      }
      return { changed, endSessions: form.disabled || Boolean(form.password) };
    },

    /** Instances to offer in the form: all for admins, else the actor's own. */
    async grantable(actor: SessionUser) {
      const all = await db.select({ id: instances.id, name: instances.name }).from(instances).orderBy(instances.name);
      return actor.isAdmin ? all : all.filter((i) => actor.instanceIds.includes(i.id));
    },
  };
}
