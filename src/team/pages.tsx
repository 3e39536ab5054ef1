// Global team pages, each filtered by the user's visible instances: contacts, labels (admins), quick replies (managers).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { failWith, ID_MAX } from "../lib/validate.ts";
import { answerInvalid } from "../lib/validate-page.ts";
import type { MessageKey } from "../lib/i18n.ts";
import type { AppEnv } from "../env.ts";
import { flash } from "../auth/cookies.ts";
import { requireCapability } from "../auth/middleware.ts";
import {
  can,
  canAccessInstance,
  canEditQuickReplies,
  canManageInstance,
  visibleInstances,
} from "../auth/permissions.ts";
import { ContactPage, ContactsPage } from "../../views/team/contacts.tsx";
import { LabelsPage } from "../../views/team/labels.tsx";
import { QuickRepliesPage } from "../../views/team/quick-replies.tsx";
import { contactForm } from "./contacts.ts";
import { labelForm } from "./labels.ts";
import { quickReplyForm } from "./quick-replies.ts";
import { teamOf } from "./index.ts";

type C = Context<AppEnv>;
/** `:id` of a row (anything beyond an integer column is no row: 404). */
const idParam = zValidator("param", z.object({ id: z.coerce.number().int().max(ID_MAX) }), failWith(404, "not found"));
const ID = "/:id{[0-9]+}";
const idOf = (c: C) => Number(c.req.param("id"));

async function quickRepliesPage(c: C, error?: MessageKey, status: 200 | 400 = 200) {
  const user = c.var.user!;
  const instances = (await c.var.deps.instances.listVisible(user))
    .filter((i) => canManageInstance(user, i.id))
    .map((i) => ({ id: i.id, name: i.name, autoAssign: i.autoAssign, notesToTelegram: i.notesToTelegram }));
  const rows = await teamOf(c.var.deps).quickReplies.list(visibleInstances(user));
  c.status(status);
  return c.render(
    <QuickRepliesPage
      t={c.var.t}
      rows={rows}
      instances={instances}
      mayGlobal={canEditQuickReplies(user, null)}
      error={error && c.var.t(error)}
    />,
    { title: c.var.t("team.qr.title") },
  );
}

async function labelsPage(c: C, error?: MessageKey, status: 200 | 400 = 200) {
  c.status(status);
  return c.render(
    <LabelsPage t={c.var.t} labels={await teamOf(c.var.deps).labels.list()} error={error && c.var.t(error)} />,
    {
      title: c.var.t("team.labels.title"),
    },
  );
}

/** The contact of `:id` if the user may see one of its chats; 404 otherwise (ids cannot be probed). */
async function visibleContact(c: C) {
  const contact = await teamOf(c.var.deps).contacts.get(visibleInstances(c.var.user!), idOf(c));
  if (!contact) throw new HTTPException(404, { message: "not found" });
  return contact;
}

/** `/quick-replies` (managers; global ones for admins). */
export const quickReplyRoutes = new Hono<AppEnv>()
  .use(requireCapability("manageInstances"))
  .get("/", (c) => quickRepliesPage(c))
  .post(
    "/",
    zValidator(
      "form",
      quickReplyForm,
      answerInvalid<AppEnv>((c) => quickRepliesPage(c, "team.qr.invalid", 400)),
    ),
    async (c) => {
      const { instance, code, text } = c.req.valid("form");
      if (!canEditQuickReplies(c.var.user, instance))
        throw new HTTPException(instance === null ? 403 : 404, {
          message: instance === null ? "global quick replies are for admins" : "not found",
        });
      await teamOf(c.var.deps).quickReplies.save({ instanceId: instance, code, text });
      flash(c, "ok", c.var.t("team.saved"));
      return c.redirect("/quick-replies", 303);
    },
  )
  .post(`${ID}/delete`, idParam, async (c) => {
    const qr = await teamOf(c.var.deps).quickReplies.get(c.req.valid("param").id);
    if (!qr || (qr.instanceId !== null && !canAccessInstance(c.var.user, qr.instanceId)))
      throw new HTTPException(404, { message: "not found" });
    if (!canEditQuickReplies(c.var.user, qr.instanceId)) throw new HTTPException(403, { message: "forbidden" });
    await teamOf(c.var.deps).quickReplies.remove(qr.id);
    return c.redirect("/quick-replies", 303);
  });

/** `/labels` (admins). */
export const labelRoutes = new Hono<AppEnv>()
  .use(requireCapability("admin"))
  .get("/", (c) => labelsPage(c))
  .post(
    "/",
    zValidator(
      "form",
      labelForm,
      answerInvalid<AppEnv>((c) => labelsPage(c, "team.labels.invalid", 400)),
    ),
    async (c) => {
      if (!(await teamOf(c.var.deps).labels.create(c.req.valid("form"))))
        return labelsPage(c, "team.labels.taken", 400);
      flash(c, "ok", c.var.t("team.saved"));
      return c.redirect("/labels", 303);
    },
  )
  .post(`${ID}/delete`, idParam, async (c) => {
    await teamOf(c.var.deps).labels.remove(c.req.valid("param").id);
    return c.redirect("/labels", 303);
  });

const contactsQuery = z.object({ q: z.string().trim().max(100).catch("") });

/** `/contacts`: the contacts of the chats the user may see, one contact, its photo. */
export const contactRoutes = new Hono<AppEnv>()
  .get("/", zValidator("query", contactsQuery), async (c) => {
    const { q } = c.req.valid("query");
    const user = c.var.user!;
    const contacts = await teamOf(c.var.deps).contacts.list(visibleInstances(user), q);
    const links = { labels: can(user, "admin"), quickReplies: can(user, "manageInstances") };
    return c.render(<ContactsPage t={c.var.t} contacts={contacts} q={q} links={links} />, {
      title: c.var.t("team.contacts.title"),
    });
  })
  .get(ID, idParam, async (c) => {
    const contact = await visibleContact(c);
    const team = teamOf(c.var.deps);
    const chats = await team.contacts.chats(visibleInstances(c.var.user!), contact);
    const labels = await team.labels.ofChats(chats.map((ch) => ch.id));
    const avatar = contact.avatarUrl ? `/contacts/${contact.id}/avatar` : null;
    return c.render(<ContactPage t={c.var.t} contact={contact} chats={chats} labels={labels} avatar={avatar} />, {
      title: contact.name ?? contact.waName ?? `+${contact.phone}`,
    });
  })
  .post(
    ID,
    idParam,
    // A contact the user may not see is not found, whatever the form says.
    zValidator(
      "form",
      contactForm,
      answerInvalid<AppEnv>(async (c) => {
        await visibleContact(c);
        throw new HTTPException(400, { message: "bad contact form" });
      }),
    ),
    async (c) => {
      const contact = await visibleContact(c);
      await teamOf(c.var.deps).contacts.update(contact.id, c.req.valid("form"));
      flash(c, "ok", c.var.t("team.saved"));
      return c.redirect(`/contacts/${contact.id}`, 303);
    },
  )
  // The profile photo through getAvatar, asked via one of the contact's chats' numbers the user may see.
  .post(`${ID}/avatar`, idParam, async (c) => {
    const contact = await visibleContact(c);
    const team = teamOf(c.var.deps);
    const [chat] = await team.contacts.chats(visibleInstances(c.var.user!), contact);
    const instance = chat ? await c.var.deps.instances.getRow(chat.instanceId) : undefined;
    if (instance) {
      try {
        const avatar = await c.var.deps.gateway.call(
          instance,
          "getAvatar",
          "normal",
          (client) => client.getAvatar(`${contact.phone}@c.us`),
          { maxAttempts: 1 },
        );
        await team.contacts.setAvatar(
          contact.id,
          avatar.available && /^https:\/\//.test(avatar.urlAvatar) ? avatar.urlAvatar : null,
        );
        flash(
          c,
          "ok",
          c.var.t(avatar.available && avatar.urlAvatar ? "team.contacts.avatarOk" : "team.contacts.avatarNone"),
        );
      } catch (err) {
        c.var.log.warn({ contactId: contact.id, err: String(err) }, "getAvatar failed");
        flash(c, "error", c.var.t("team.contacts.avatarFailed"));
      }
    }
    return c.redirect(`/contacts/${contact.id}`, 303);
  })
  // The stored photo, fetched by the server (the page's CSP allows only its own images).
  .get(`${ID}/avatar`, idParam, async (c) => {
    const contact = await visibleContact(c);
    if (!contact.avatarUrl) throw new HTTPException(404, { message: "no avatar" });
    const res = await fetch(contact.avatarUrl, { redirect: "error", signal: AbortSignal.timeout(10_000) }).catch(
      () => null,
    );
    const type = res?.headers.get("content-type") ?? "";
    if (!res?.ok || !type.startsWith("image/")) throw new HTTPException(404, { message: "avatar unavailable" });
    return new Response(res.body, { headers: { "content-type": type, "cache-control": "private, max-age=3600" } });
  });
