// Recording a state seen at Green-API: the instance row, its state log and a changed number, in one transaction.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instanceStateLog, instances } from "../db/schema/index.ts";
import { normalizeChatId } from "../greenapi/ids.ts";
import { assignOwnerlessChats } from "../conversations/index.ts";

type InstanceState = (typeof instances.$inferSelect)["state"];

/** A committed change of an instance's state; `offlineSince` is the value before the change. */
export interface StateTransition {
  instanceId: number;
  from: InstanceState;
  to: InstanceState;
  offlineSince: Date | null;
  /** The first time ever this number reports authorized (no earlier authorized in the state log). */
  firstAuthorized: boolean;
  /** The change ends (or happens during) the restart that applies new settings. */
  settingsPending: boolean;
}

/** The instance's own number as `NNN@c.us`, whatever spelling Green-API used (`NNN:8@s.whatsapp.net`…); null for "" or a non-number. */
function ownNumber(wid: string | null | undefined): string | null {
  const n = wid ? normalizeChatId(wid) : null;
  return n?.kind === "user" ? n.id : null;
}

/**
 * Records a state seen at Green-API; null when nothing changed. One transaction (row locked): the state log gets
 * the change, `offline_since` is set when the number leaves authorized and cleared when it returns, and
 * "applying settings" ends once the instance reports authorized or notAuthorized. A different number (`wid`, a
 * re-scan with another phone) keeps the old one as `previous_wid`, and the chats it had stay marked as its own
 * (`chats.owner_wid`).
 */
export async function recordState(
  db: Db,
  id: number,
  state: InstanceState,
  reportedWid?: string | null,
): Promise<StateTransition | null> {
  const wid = ownNumber(reportedWid);
  let replaced: string | null = null;
  const transition = await db.transaction(async (tx) => {
    const [old] = await tx
      .select({
        state: instances.state,
        wid: instances.wid,
        offlineSince: instances.offlineSince,
        settingsPendingSince: instances.settingsPendingSince,
      })
      .from(instances)
      .where(eq(instances.id, id))
      .for("update");
    if (!old) return null;
    const widChanged = wid !== null && wid !== old.wid;
    if (old.state === state && !widChanged) return null;
    // Another phone was linked: its predecessor is remembered.
    const before = ownNumber(old.wid);
    replaced = wid !== null && before !== null && before !== wid ? before : null;
    const online = state === "authorized";
    const settled = state === "authorized" || state === "notAuthorized";
    await tx
      .update(instances)
      .set({
        state,
        ...(wid ? { wid } : {}),
        ...(replaced ? { previousWid: replaced, widChangedAt: sql`now()` } : {}),
        offlineSince: online ? null : (old.offlineSince ?? sql`now()`),
        ...(settled ? { settingsPendingSince: null } : {}),
      })
      .where(eq(instances.id, id));
    let firstAuthorized = false;
    if (old.state !== state) {
      const [seen] = await tx
        .select({
          n: sql<number>`count(*)::int`,
          authorized: sql<number>`count(*) filter (where ${instanceStateLog.state} = 'authorized')::int`,
        })
        .from(instanceStateLog)
        .where(eq(instanceStateLog.instanceId, id));
      // A number tracked before the log existed: its stored state counts as the first entry.
      if (!seen?.n && old.state !== "unknown")
        await tx.insert(instanceStateLog).values({ instanceId: id, state: old.state });
      firstAuthorized = online && !seen?.authorized && old.state !== "authorized";
      await tx.insert(instanceStateLog).values({ instanceId: id, state });
    }
    return {
      instanceId: id,
      from: old.state,
      to: state,
      offlineSince: old.offlineSince,
      firstAuthorized,
      settingsPending: old.settingsPendingSince !== null,
    };
  });
  // Chats that never recorded a number were the predecessor's (after the commit: no chat row locks under the instance's).
  if (replaced) await assignOwnerlessChats(db, id, replaced);
  return transition;
}
