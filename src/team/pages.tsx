// Global team pages, each filtered by the user's visible instances: contacts, labels (admins), quick replies (managers).
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
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
/** `:id` as a safe integer; anything longer is no row (404). */
function idParam(c: C): number {
  const id = Number(c.req.param("id"));
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw new HTTPException(404, { message: "not found" });
  return id;
}
const ID = ":id{[0-9]+}";

async function quickRepliesPage(c: C, error?: string, status: 200 | 400 = 200) {
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
      error={error}
    />,
    { title: c.var.t("team.qr.title") },
  );
}

async function labelsPage(c: C, error?: string, status: 200 | 400 = 200) {
  c.status(status);
  return c.render(<LabelsPage t={c.var.t} labels={await teamOf(c.var.deps).labels.list()} error={error} />, {
    title: c.var.t("team.labels.title"),
  });
}

/** The contact of `:id` if the user may see one of its chats; 404 otherwise (ids cannot be probed). */
async function visibleContact(c: C) {
  const contact = await teamOf(c.var.deps).contacts.get(visibleInstances(c.var.user!), idParam(c));
  if (!contact) throw new HTTPException(404, { message: "not found" });
  return contact;
}

export const teamPageRoutes = new Hono<AppEnv>()
  .get("/quick-replies", requireCapability("manageInstances"), (c) => quickRepliesPage(c))
  .post("/quick-replies", requireCapability("manageInstances"), async (c) => {
    const parsed = quickReplyForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return quickRepliesPage(c, c.var.t("team.qr.invalid"), 400);
    const { instance, code, text } = parsed.data;
    if (!canEditQuickReplies(c.var.user, instance))
      throw new HTTPException(instance === null ? 403 : 404, {
        message: instance === null ? "global quick replies are for admins" : "not found",
      });
    await teamOf(c.var.deps).quickReplies.save({ instanceId: instance, code, text });
    flash(c, "ok", c.var.t("team.saved"));
    return c.redirect("/quick-replies", 303);
  })
  .post(`/quick-replies/${ID}/delete`, requireCapability("manageInstances"), async (c) => {
    const qr = await teamOf(c.var.deps).quickReplies.get(idParam(c));
    if (!qr || (qr.instanceId !== null && !canAccessInstance(c.var.user, qr.instanceId)))
      throw new HTTPException(404, { message: "not found" });
    if (!canEditQuickReplies(c.var.user, qr.instanceId)) throw new HTTPException(403, { message: "forbidden" });
    await teamOf(c.var.deps).quickReplies.remove(qr.id);
    return c.redirect("/quick-replies", 303);
  })

  .get("/labels", requireCapability("admin"), (c) => labelsPage(c))
  .post("/labels", requireCapability("admin"), async (c) => {
    const parsed = labelForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return labelsPage(c, c.var.t("team.labels.invalid"), 400);
    if (!(await teamOf(c.var.deps).labels.create(parsed.data))) return labelsPage(c, c.var.t("team.labels.taken"), 400);
    flash(c, "ok", c.var.t("team.saved"));
    return c.redirect("/labels", 303);
  })
  .post(`/labels/${ID}/delete`, requireCapability("admin"), async (c) => {
    await teamOf(c.var.deps).labels.remove(idParam(c));
    return c.redirect("/labels", 303);
  })

  .get("/contacts", async (c) => {
    const q = z
      .string()
      .trim()
      .max(100)
      .catch("")
      .parse(c.req.query("q") ?? "");
    const user = c.var.user!;
    const contacts = await teamOf(c.var.deps).contacts.list(visibleInstances(user), q);
    const links = { labels: can(user, "admin"), quickReplies: can(user, "manageInstances") };
    return c.render(<ContactsPage t={c.var.t} contacts={contacts} q={q} links={links} />, {
      title: c.var.t("team.contacts.title"),
    });
  })
  .get(`/contacts/${ID}`, async (c) => {
    const contact = await visibleContact(c);
    const team = teamOf(c.var.deps);
    const chats = await team.contacts.chats(visibleInstances(c.var.user!), contact);
    const labels = await team.labels.ofChats(chats.map((ch) => ch.id));
    const avatar = contact.avatarUrl ? `/contacts/${contact.id}/avatar` : null;
    return c.render(<ContactPage t={c.var.t} contact={contact} chats={chats} labels={labels} avatar={avatar} />, {
      title: contact.name ?? contact.waName ?? `+${contact.phone}`,
    });
  })
  .post(`/contacts/${ID}`, async (c) => {
    const contact = await visibleContact(c);
    const parsed = contactForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new HTTPException(400, { message: "bad contact form" });
    await teamOf(c.var.deps).contacts.update(contact.id, parsed.data);
    flash(c, "ok", c.var.t("team.saved"));
    return c.redirect(`/contacts/${contact.id}`, 303);
  })
  // The profile photo through getAvatar, asked via one of the contact's chats' numbers the user may see.
  .post(`/contacts/${ID}/avatar`, async (c) => {
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
  .get(`/contacts/${ID}/avatar`, async (c) => {
    const contact = await visibleContact(c);
    if (!contact.avatarUrl) throw new HTTPException(404, { message: "no avatar" });
    const res = await fetch(contact.avatarUrl, { redirect: "error", signal: AbortSignal.timeout(10_000) }).catch(
      () => null,
    );
    const type = res?.headers.get("content-type") ?? "";
    if (!res?.ok || !type.startsWith("image/")) throw new HTTPException(404, { message: "avatar unavailable" });
    return new Response(res.body, { headers: { "content-type": type, "cache-control": "private, max-age=3600" } });
  });
