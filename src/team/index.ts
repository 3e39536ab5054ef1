// The team capability's public face: services built once per app (memoized on its dependencies), and the ingest hook.
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { HandlerContext } from "../greenapi/intake.ts";
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
  config: { DEFAULT_LOCALE: Locale };
}

function createTeam(deps: TeamDeps) {
  const opts = { db: deps.db, bus: deps.bus, locale: deps.config.DEFAULT_LOCALE };
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
 * Called by ingest after customers' messages were stored (with their chats as they were before): the contact of a
 * personal chat is recorded; a customer message reopens a resolved chat and may auto-assign it.
 */
export async function afterIngest(
  opts: { db: Db; bus: EventBus; locale: Locale; ctx?: HandlerContext },
  incoming: Array<{
    id: number;
    instanceId: number;
    waChatId: string;
    status: string;
    assigneeId: number | null;
    senderName: string | null;
  }>,
): Promise<void> {
  if (incoming.length === 0) return;
  const { ctx } = opts;
  // Inside the intake's batch transaction: write through it, announce after its commit (src/greenapi/intake.ts).
  const team = ctx?.tx
    ? {
        contacts: createContacts(ctx.db),
        state: createTeamState({ db: ctx.db, bus: deferringBus(opts.bus, ctx), locale: opts.locale }),
      }
    : teamOf({ db: opts.db, bus: opts.bus, config: { DEFAULT_LOCALE: opts.locale } });
  await team.contacts.upsertFromChats(incoming.map((m) => ({ waChatId: m.waChatId, waName: m.senderName })));
  await team.state.onIncoming([...new Map(incoming.map((m) => [m.id, m])).values()]);
}

/** The bus, with publishing put off until the context's work is committed. */
function deferringBus(bus: EventBus, ctx: HandlerContext): EventBus {
  return {
    publish: (event) => ctx.defer(() => bus.publish(event)),
    subscribe: (listener, options) => bus.subscribe(listener, options),
    receive: (event) => bus.receive(event),
    relay: null,
    get size() {
      return bus.size;
    },
  };
}
