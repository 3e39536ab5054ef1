// The team capability's public face: services built once per app (memoized on its dependencies), and its subscription
// to the conversations' messagesReceived event (contacts, reopening, auto-assignment).
import type { ConversationHooks } from "../conversations/index.ts";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Locale } from "../lib/i18n.ts";
import { createContacts } from "./contacts.ts";
import { createTabCounts } from "./filters.ts";
import { createLabels } from "./labels.ts";
import { createNotes } from "./notes.ts";
import { createQuickReplies } from "./quick-replies.ts";
import { createTeamState } from "./state.ts";
import { createTeamSettings } from "./settings.ts";

export interface TeamDeps {
  db: Db;
  bus: EventBus;
  /** Where team publishes noteAdded and chatAssigned (Telegram subscribes). */
  conversations: ConversationHooks;
  config: { DEFAULT_LOCALE: Locale };
}

function createTeam(deps: TeamDeps) {
  const opts = { db: deps.db, bus: deps.bus, hooks: deps.conversations, locale: deps.config.DEFAULT_LOCALE };
  return {
    state: createTeamState(opts),
    notes: createNotes(opts),
    quickReplies: createQuickReplies(deps.db),
    labels: createLabels(deps.db),
    contacts: createContacts(deps.db),
    tabCounts: createTabCounts(deps.db),
    settings: createTeamSettings(deps.db),
  };
}

export type Team = ReturnType<typeof createTeam>;

const built = new WeakMap<object, Team>();

/** The team services of an app (one set per dependencies object). */
export function teamOf(deps: TeamDeps): Team {
  // Keyed by the bus: one per app, even when several apps (tests) share a database.
  let team = built.get(deps.bus);
  if (!team) built.set(deps.bus, (team = createTeam(deps)));
  return team;
}

/**
 * Subscribes team workflow to new customer messages, inside the transaction that stores them (a crash keeps both or
 * neither): the contact of a personal chat is recorded; a customer message reopens a resolved chat and may auto-assign
 * it (from the chats as they were before the batch).
 */
export function subscribeTeamWorkflow(opts: { bus: EventBus; hooks: ConversationHooks; locale: Locale }): void {
  opts.hooks.withinTransaction("messagesReceived", async (ctx, { chats }) => {
    if (chats.length === 0) return;
    const state = createTeamState({ db: ctx.db, bus: opts.bus, hooks: opts.hooks, locale: opts.locale, ctx });
    await createContacts(ctx.db).upsertFromChats(chats.map((c) => ({ waChatId: c.waChatId, waName: c.senderName })));
    await state.onIncoming([...new Map(chats.map((c) => [c.id, c])).values()]);
  });
}
