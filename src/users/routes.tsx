// Managing users under /users: the list (and its live refresh), new, edit, ending someone's sessions. All of it needs
// the "manage users" right; which users one may touch is decided per user (auth/permissions.ts canManageUser).
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { RequestContext } from "hono/jsx-renderer";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { clientIp } from "../lib/client-ip.ts";
import type { MessageKey } from "../lib/i18n.ts";
import { failWith } from "../lib/validate.ts";
import { answerInvalid, issueText } from "../lib/validate-page.ts";
import { requireCapability } from "../auth/middleware.ts";
import { can, canManageUser } from "../auth/permissions.ts";
import { flash } from "../auth/cookies.ts";
import { EVENTS } from "../events/names.ts";
import { UsersList, UsersPage } from "../../views/users/list.tsx";
import { UserFormPage } from "../../views/users/form.tsx";
import { createUserManager, type EditableUser, type UserForm, UserPolicyError, userFormSchema } from "./manage.ts";

/** One user's pages: a numeric id (userIdParam checks it is a positive integer). */
const USER = "/:userId{[0-9]+}";
const userIdParam = zValidator(
  "param",
  z.object({ userId: z.coerce.number().int().positive() }),
  failWith(404, "no such user"),
);

/** The user of `id` if the signed-in user may manage them; 404 otherwise, so ids cannot be probed. */
async function manageableUser(c: Context<AppEnv>, id: number): Promise<EditableUser> {
  const user = await createUserManager(c.var.deps.db, c.var.deps.users).get(id);
  if (!user || !canManageUser(c.var.user, user)) throw new HTTPException(404, { message: "no such user" });
  return user;
}

/** Lets a route about `:userId` (and its form) go on only for a user the signed-in user may manage. */
const manageable = createMiddleware<AppEnv, string, { out: { param: { userId: number } } }>(async (c, next) => {
  await manageableUser(c, c.req.valid("param").userId);
  await next();
});

/** The user form again (400) with the reason; `posted` keeps what was typed when the form itself was valid. */
async function formAgain(c: Context<AppEnv>, id: number | null, error: string, posted?: UserForm) {
  c.status(400);
  const manager = createUserManager(c.var.deps.db, c.var.deps.users);
  const shown = { ...(id ? await manager.get(id) : {}), ...posted, id: id ?? undefined };
  return c.render(<UserFormPage user={shown} instances={await manager.grantable(c.var.user!)} error={error} />, {
    title: c.var.t(id ? "users.title" : "users.newTitle"),
  });
}

const newUserForm = zValidator(
  "form",
  userFormSchema,
  answerInvalid((c: Context<AppEnv>, error) => formAgain(c, null, issueText(error))),
);
const editUserForm = zValidator(
  "form",
  userFormSchema,
  answerInvalid((c: Context<AppEnv>, error) => formAgain(c, Number(c.req.param("userId")), issueText(error))),
);

const usersPage = async (c: Context<AppEnv>) =>
  c.render(<UsersPage users={await c.var.deps.users.list()} showAdminLinks={can(c.var.user, "admin")} />, {
    title: c.var.t("users.title"),
  });

/** Mounted at /users. */
export const usersRoutes = new Hono<AppEnv>()
  .use(requireCapability("manageUsers"))
  .get("/", usersPage)

  // The list alone, for the live refresh of the users page.
  .get("/list", async (c) => {
    const list = <UsersList users={await c.var.deps.users.list()} />;
    return c.html(<RequestContext.Provider value={c}>{list}</RequestContext.Provider>);
  })

  .get("/new", async (c) => {
    const manager = createUserManager(c.var.deps.db, c.var.deps.users);
    return c.render(<UserFormPage user={null} instances={await manager.grantable(c.var.user!)} />, {
      title: c.var.t("users.newTitle"),
    });
  })

  .post("/", newUserForm, async (c) => saveUser(c, null, c.req.valid("form")))

  .get(`${USER}/edit`, userIdParam, async (c) => {
    const manager = createUserManager(c.var.deps.db, c.var.deps.users);
    const user = await manageableUser(c, c.req.valid("param").userId);
    return c.render(<UserFormPage user={user} instances={await manager.grantable(c.var.user!)} />, {
      title: user.displayName,
    });
  })

  .post(USER, userIdParam, manageable, editUserForm, async (c) =>
    saveUser(c, c.req.valid("param").userId, c.req.valid("form")),
  )

  // Without the numeric pattern (as the route inventory in test/security names it): userIdParam answers 404 for the rest.
  .post("/:userId/logout-all", userIdParam, async (c) => {
    const target = await manageableUser(c, c.req.valid("param").userId);
    const ended = await c.var.deps.sessions.invalidateAllForUser(target.id);
    await c.var.deps.audit.record({
      action: "sessions.endedAllForUser",
      userId: c.var.user!.id,
      actor: c.var.user!.username,
      target: `user:${target.id}`,
      ip: clientIp(c),
      details: { ended },
    });
    c.var.deps.bus.publish({ name: EVENTS.sessionsEnded, userId: target.id, data: { allExcept: null } });
    flash(c, "ok", c.var.t("users.loggedOutAll", { count: ended }));
    return c.redirect("/users", 303);
  });

/** Creates (id null) or updates a user from the valid form; the form comes back with the reason when a rule is broken. */
async function saveUser(c: Context<AppEnv>, id: number | null, form: UserForm) {
  const { db, users, sessions, audit, bus } = c.var.deps;
  const actor = c.var.user!;
  const manager = createUserManager(db, users);
  try {
    if (id === null) {
      const created = await manager.create(actor, form);
      await audit.record({
        action: "user.created",
        userId: actor.id,
        actor: actor.username,
        target: `user:${created}`,
        ip: clientIp(c),
        details: { admin: form.isAdmin, instances: form.instanceIds },
      });
      flash(c, "ok", c.var.t("users.created", { name: form.displayName }));
    } else {
      const { changed, endSessions } = await manager.update(actor, id, form);
      await audit.record({
        action: "user.updated",
        userId: actor.id,
        actor: actor.username,
        target: `user:${id}`,
        ip: clientIp(c),
        // Each right or switch that changed is told with its new value: "administrator rights (on)".
        details: {
          changed,
          set: Object.fromEntries(
            changed.map((k) => [k, form[k as keyof UserForm]]).filter(([, v]) => typeof v === "boolean"),
          ),
        },
      });
      if (endSessions) {
        await sessions.invalidateAllForUser(id, id === actor.id ? c.var.session!.id : undefined);
        bus.publish({
          name: EVENTS.sessionsEnded,
          userId: id,
          data: { allExcept: id === actor.id ? c.var.session!.id : null },
        });
      } else if (changed.length) {
        bus.publish({ name: EVENTS.userChanged, userId: id, data: {} });
      }
      flash(c, "ok", c.var.t("users.saved"));
    }
    return c.redirect("/users", 303);
  } catch (err) {
    if (err instanceof UserPolicyError) return formAgain(c, id, c.var.t(err.key as MessageKey), form);
    throw err;
  }
}
