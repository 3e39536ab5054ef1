// Team actions on a conversation (behind the instance gate): the bar, take, assign, state, labels, notes, quick replies;
// an instance's team settings, one's availability, and the chat list's tab counts.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { isHtmx } from "../lib/htmx.ts";
import { routeChat, type WithChat } from "../lib/route-chat.ts";
import { failWith } from "../lib/validate.ts";
import { instanceGate } from "../auth/instance-gate.ts";
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

type RouteChat = NonNullable<Awaited<ReturnType<AppEnv["Variables"]["deps"]["inbox"]["getChat"]>>>;
type ChatEnv = AppEnv & WithChat<RouteChat>;
// biome-ignore lint/suspicious/noExplicitAny: any route of the chat sub-app (inputs validated by then)
type C = Context<ChatEnv, string, any>;
const badForm = failWith(400, "bad form");

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

/** `/instances/:instanceId/chats/:chatId/…`: the team bar and its actions, notes, quick replies. */
export const teamChatRoutes = new Hono<ChatEnv>()
  .use(instanceGate())
  .use(...routeChat<ChatEnv>((c, chatId) => c.var.deps.inbox.getChat(c.var.instanceId, chatId)))
  .get("/team", async (c) => bar(c, c.var.chat))

  .post("/take", async (c) => {
    const { chat } = c.var;
    await auditAssignment(c, chat, await teamOf(c.var.deps).state.assign(chat.id, c.var.user!.id, actor(c)));
    return bar(c, chat);
  })

  .post("/assign", zValidator("form", assignForm, badForm), async (c) => {
    const { chat } = c.var;
    const { assignee, note } = c.req.valid("form");
    const done = await teamOf(c.var.deps).state.assign(chat.id, assignee === "none" ? null : assignee, actor(c), note);
    if (!done && assignee !== "none") c.var.log.info({ chatId: chat.id, assignee }, "assignment refused or unchanged");
    await auditAssignment(c, chat, done);
    return bar(c, chat);
  })

  .post("/status", zValidator("form", statusForm, badForm), async (c) => {
    const { chat } = c.var;
    await teamOf(c.var.deps).state.setStatus(chat.id, c.req.valid("form").status, actor(c));
    return bar(c, chat);
  })

  .post("/labels", zValidator("form", labelToggle, badForm), async (c) => {
    const { chat } = c.var;
    const { label, on } = c.req.valid("form");
    if (!(await teamOf(c.var.deps).labels.toggle(chat.id, label, on === "1")))
      throw new HTTPException(404, { message: "no such label" });
    c.var.deps.bus.publish({ name: EVENTS.chatUpdated, instanceId: chat.instanceId, data: { chatId: chat.id } });
    c.var.deps.bus.publish({ name: EVENTS.teamTabs, instanceId: chat.instanceId, data: { chatId: chat.id } });
    return bar(c, chat);
  })

  // A private note: stored and shown to the team, never handed to the outbox.
  .post("/notes", zValidator("form", noteForm, failWith(400, "empty note")), async (c) => {
    const { chat } = c.var;
    const { text, key } = c.req.valid("form");
    const result = await teamOf(c.var.deps).notes.add(chat, actor(c), text, key);
    if (c.req.header("accept")?.includes("application/json")) return c.json(result, result.created ? 201 : 200);
    if (!isHtmx(c)) return c.redirect(chatBase(chat), 303);
    const ui = uiFor(c);
    const found = await c.var.deps.inbox.messageWithPrevious(result.id);
    if (!found) throw new HTTPException(404, { message: "note gone" });
    const afterDay = found.previousSentAt ? dayKey(ui, found.previousSentAt) : null;
    return c.html(<Bubbles ui={ui} messages={[found.message]} chat={chatContext(ui, chat)} afterDay={afterDay} />);
  })

  // Quick replies for the composer's "/" list, with {name} and {manager} already filled in.
  .get("/quick-replies", zValidator("query", qrQuery, failWith(400, "bad quick-reply search")), async (c) => {
    const { chat } = c.var;
    const { q } = c.req.valid("query");
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

/** Only the instance's managers pass (the gate ran before: the instance is visible). */
const managersOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.mayManageInstance) throw new HTTPException(403, { message: "forbidden" });
  return next();
};

/** `POST /instances/:instanceId/team-settings` (managers of that instance): auto-assignment, notes to Telegram. */
export const teamSettingsRoutes = new Hono<AppEnv>()
  .use(instanceGate(), managersOnly)
  .post("/", zValidator("form", instanceTeamForm, badForm), async (c) => {
    await teamOf(c.var.deps).settings.setInstance(c.var.instanceId, c.req.valid("form"));
    flash(c, "ok", c.var.t("team.saved"));
    return c.redirect("/quick-replies", 303);
  });

/** `POST /team/availability`: whether new chats may be auto-assigned to me. */
export const availabilityRoutes = new Hono<AppEnv>().post(
  "/availability",
  zValidator("form", availabilityForm, badForm),
  async (c) => {
    const { available } = c.req.valid("form");
    await teamOf(c.var.deps).settings.setAvailable(c.var.user!.id, available);
    if (isHtmx(c)) return c.html(<AvailabilityToggle ui={uiFor(c)} available={available} />);
    return c.redirect("/chats", 303);
  },
);

/** The tab counts' filters: the list's team filters and number (malformed ones are ignored, as by the list). */
const tabsQuery = teamListQuery.extend({ instance: z.coerce.number().int().positive().optional().catch(undefined) });

/** `GET /chats/tabs`: tab counts for the chat list (refreshed live); the same filters as the list. */
export const teamTabRoutes = new Hono<AppEnv>().get("/tabs", zValidator("query", tabsQuery), async (c) => {
  const { instance, ...filter } = c.req.valid("query");
  const counts = await teamOf(c.var.deps).tabCounts(c.var.user!, { instanceId: instance, label: filter.label });
  return c.html(
    <ChatTabs ui={uiFor(c)} filter={filter} counts={counts} searchPath={currentPath(c.req.header("hx-current-url"))} />,
  );
});
/** The page htmx says it is on (`HX-Current-URL`, sent by the browser, so anything): its path, or the chat list. */
function currentPath(header: string | undefined): string {
  const path = header && URL.canParse(header) ? new URL(header).pathname : "";
  return /^\/instances\/[0-9]{1,9}\/chats\/[0-9]{1,18}$/.test(path) ? path : "/chats";
}
