// Team actions on a conversation (all behind the instance gate): the bar, take, assign, state, labels, notes, quick replies.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "../lib/context.ts";
import { INSTANCE_SCOPE } from "../auth/instance-gate.ts";
import { chatOfRoute, isHtmx, type RouteChat } from "../inbox/request.ts";
import { EVENTS } from "../events/names.ts";
import { Bubbles } from "../../views/chats/bubble.tsx";
import { chatBase, chatContext } from "../../views/chats/conversation.tsx";
import { contactLabel, dayKey, uiFor } from "../../views/chats/format.ts";
import { TeamBar } from "../../views/team/bar.tsx";
import { AvailabilityToggle, ChatTabs } from "../../views/team/list-filters.tsx";
import { teamListQuery } from "./filters.ts";
import { fillPlaceholders } from "./quick-replies.ts";
import { STATUSES, type Assignment } from "./state.ts";
import { availabilityForm, instanceTeamForm } from "./settings.ts";
import { flash } from "../auth/cookies.ts";
import { clientIp } from "../lib/client-ip.ts";
import { teamOf } from "./index.ts";

type C = Context<AppEnv>;
const CHAT = `${INSTANCE_SCOPE}/chats/:chatId{[0-9]+}`;

const assignForm = z.object({
  assignee: z.union([z.literal("none"), z.coerce.number().int().positive()]),
  note: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((v) => v || null),
});
const statusForm = z.object({ status: z.enum(STATUSES) });
const labelToggle = z.object({ label: z.coerce.number().int().positive(), on: z.enum(["0", "1"]) });
const noteForm = z.object({ text: z.string().trim().min(1).max(20_000), key: z.string().regex(/^[\w-]{8,64}$/) });
const qrQuery = z.object({ q: z.string().trim().max(32).default("") });

const actor = (c: C) => ({ id: c.var.user!.id, displayName: c.var.user!.displayName });

const AUDITED = {
  took: "chat.taken",
  assigned: "chat.assigned",
  transferred: "chat.transferred",
  unassigned: "chat.unassigned",
  autoAssigned: "chat.assigned",
} as const;

/** Audits a take, assignment, transfer or unassignment made here (ids only: an assignment's note stays in the chat). */
async function auditAssignment(c: C, chat: RouteChat, done: Assignment | null): Promise<void> {
  if (!done) return;
  const user = c.var.user!;
  await c.var.deps.audit.record({
    action: AUDITED[done.kind],
    userId: user.id,
    actor: user.username,
    ip: clientIp(c),
    target: `chat:${chat.id}`,
    details: { instanceId: chat.instanceId, from: done.from, to: done.to },
  });
}

async function form<T extends z.ZodType>(c: C, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await c.req.parseBody());
  if (!parsed.success) throw new HTTPException(400, { message: "bad form" });
  return parsed.data;
}

/** The bar for this user (htmx), or back to the conversation (plain form posts). */
async function bar(c: C, chat: RouteChat): Promise<Response> {
  if (!isHtmx(c)) return c.redirect(chatBase(chat), 303);
  const team = teamOf(c.var.deps);
  const [row] = await Promise.all([c.var.deps.inbox.chatRow(c.var.user!, chat.id)]);
  if (!row) throw new HTTPException(404, { message: "no such chat" });
  const [people, labels, chatLabels, contact] = await Promise.all([
    team.state.assignable(chat.instanceId),
    team.labels.list(),
    team.labels.ofChat(chat.id),
    team.contacts.ofChat(chat.waChatId),
  ]);
  return c.html(
    <TeamBar
      ui={uiFor(c)}
      base={chatBase(chat)}
      me={c.var.user!.id}
      chat={row}
      people={people}
      labels={labels}
      chatLabels={chatLabels}
      contactId={contact?.id ?? null}
    />,
  );
}

export const teamChatRoutes = new Hono<AppEnv>()
  .get(`${CHAT}/team`, async (c) => bar(c, await chatOfRoute(c)))

  .post(`${CHAT}/take`, async (c) => {
    const chat = await chatOfRoute(c);
    await auditAssignment(c, chat, await teamOf(c.var.deps).state.assign(chat.id, c.var.user!.id, actor(c)));
    return bar(c, chat);
  })

  .post(`${CHAT}/assign`, async (c) => {
    const chat = await chatOfRoute(c);
    const { assignee, note } = await form(c, assignForm);
    const done = await teamOf(c.var.deps).state.assign(chat.id, assignee === "none" ? null : assignee, actor(c), note);
    if (!done && assignee !== "none") c.var.log.info({ chatId: chat.id, assignee }, "assignment refused or unchanged");
    await auditAssignment(c, chat, done);
    return bar(c, chat);
  })

  .post(`${CHAT}/status`, async (c) => {
    const chat = await chatOfRoute(c);
    const { status } = await form(c, statusForm);
    await teamOf(c.var.deps).state.setStatus(chat.id, status, actor(c));
    return bar(c, chat);
  })

  .post(`${CHAT}/labels`, async (c) => {
    const chat = await chatOfRoute(c);
    const { label, on } = await form(c, labelToggle);
    if (!(await teamOf(c.var.deps).labels.toggle(chat.id, label, on === "1")))
      throw new HTTPException(404, { message: "no such label" });
    c.var.deps.bus.publish({ name: EVENTS.chatUpdated, instanceId: chat.instanceId, data: { chatId: chat.id } });
    c.var.deps.bus.publish({ name: EVENTS.teamTabs, instanceId: chat.instanceId, data: { chatId: chat.id } });
    return bar(c, chat);
  })

  // A private note: stored and shown to the team, never handed to the outbox.
  .post(`${CHAT}/notes`, async (c) => {
    const chat = await chatOfRoute(c);
    const parsed = noteForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new HTTPException(400, { message: "empty note" });
    const result = await teamOf(c.var.deps).notes.add(chat, actor(c), parsed.data.text, parsed.data.key);
    if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
    if (!isHtmx(c)) return c.redirect(chatBase(chat), 303);
    const ui = uiFor(c);
    const found = await c.var.deps.inbox.messageWithPrevious(result.id);
    if (!found) throw new HTTPException(404, { message: "note gone" });
    const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
    return c.html(<Bubbles ui={ui} messages={[found.message]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
  })

  // Quick replies for the composer's "/" list, with {name} and {manager} already filled in.
  .get(`${CHAT}/quick-replies`, async (c) => {
    const chat = await chatOfRoute(c);
    const { q } = qrQuery.parse(c.req.query());
    const team = teamOf(c.var.deps);
    const [rows, contact] = await Promise.all([
      team.quickReplies.forInstance(chat.instanceId, q),
      team.contacts.ofChat(chat.waChatId),
    ]);
    // The team's own name for the customer wins over WhatsApp's.
    const values = { name: contact?.name ?? contactLabel(uiFor(c), chat), manager: c.var.user!.displayName };
    return c.json(
      rows.map((r) => ({
        id: r.id,
        code: r.code,
        text: fillPlaceholders(r.text, values),
        global: r.instanceId === null,
      })),
    );
  });

/** An instance's team settings (managers of that instance): auto-assignment, notes to Telegram. */
export const teamSettingsRoutes = new Hono<AppEnv>()
  .post(`${INSTANCE_SCOPE}/team-settings`, async (c) => {
    if (!c.var.mayManageInstance) throw new HTTPException(403, { message: "forbidden" });
    await teamOf(c.var.deps).settings.setInstance(c.var.instanceId, await form(c, instanceTeamForm));
    flash(c, "ok", c.var.t("team.saved"));
    return c.redirect("/quick-replies", 303);
  })
  // Whether new chats may be auto-assigned to me.
  .post("/team/availability", async (c) => {
    const { available } = await form(c, availabilityForm);
    await teamOf(c.var.deps).settings.setAvailable(c.var.user!.id, available);
    if (isHtmx(c)) return c.html(<AvailabilityToggle ui={uiFor(c)} available={available} />);
    return c.redirect("/chats", 303);
  });

/** Tab counts for the chat list (refreshed live); the same filters as the list. */
export const teamListRoutes = new Hono<AppEnv>().get("/chats/tabs", async (c) => {
  const filter = teamListQuery.parse(c.req.query());
  const instance = z.coerce.number().int().positive().safeParse(c.req.query("instance"));
  const counts = await teamOf(c.var.deps).tabCounts(c.var.user!, {
    instanceId: instance.success ? instance.data : undefined,
    label: filter.label,
  });
  return c.html(
    <ChatTabs ui={uiFor(c)} filter={filter} counts={counts} searchPath={currentPath(c.req.header("hx-current-url"))} />,
  );
});

/** The page htmx says it is on (`HX-Current-URL`, sent by the browser, so anything): its path, or the chat list. */
function currentPath(header: string | undefined): string {
  const path = header && URL.canParse(header) ? new URL(header).pathname : "";
  return /^\/instances\/[0-9]{1,9}\/chats\/[0-9]{1,18}$/.test(path) ? path : "/chats";
}
