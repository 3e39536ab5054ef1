// Names of group chats no notification named, asked of Green-API (getGroupData) in the background, at most daily.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { idList, queryRows } from "../db/rows.ts";
import { chats } from "../db/schema/index.ts";
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { Logger } from "../lib/log.ts";

/** A group's subject is asked at most this often (a failure or an empty subject waits as long). */
const SUBJECT_REFRESH_HOURS = 24;

export interface GroupSubjectsOptions {
  db: Db;
  bus: EventBus;
  gateway: Gateway;
  log: Logger;
  loadInstance: (id: number) => Promise<(InstanceCredentials & { enabled: boolean }) | undefined>;
}

export interface GroupSubjects {
  /** Asks the subjects of these group chats (those still unnamed and not asked within the day), after what runs now. */
  request(chatIds: number[]): void;
  /** Resolves when every request so far is done (tests, shutdown). */
  idle(): Promise<void>;
}

export function createGroupSubjects(opts: GroupSubjectsOptions): GroupSubjects {
  const { db, bus, gateway, log } = opts;
  let chain: Promise<void> = Promise.resolve();

  async function fetchSubject(chat: { id: number; instanceId: number; waChatId: string }): Promise<void> {
    const instance = await opts.loadInstance(chat.instanceId);
    // A disabled number asks Green-API nothing; the day's claim stands.
    if (!instance?.enabled) return;
    try {
      // getGroupData shares the 1 RPS bucket of the account methods (src/greenapi/limits.ts).
      const data = await gateway.call(instance, "getGroupData", "background", (c) => c.getGroupData(chat.waChatId), {
        maxAttempts: 2,
      });
      const subject = data.subject.trim();
      if (!subject) return;
      // A notification may have named the group meanwhile: its name stays.
      const [named] = await db
        .update(chats)
        .set({ name: subject, updatedAt: sql`now()` })
        .where(and(eq(chats.id, chat.id), isNull(chats.name)))
        .returning({ id: chats.id });
      if (named) bus.publish({ name: EVENTS.chatUpdated, instanceId: chat.instanceId, data: { chatId: chat.id } });
    } catch (err) {
      log.info(
        { err, chatId: chat.id, instanceId: chat.instanceId },
        "group subject: getGroupData failed; asked again in a day",
      );
    }
  }

  async function fetchSubjects(chatIds: number[]): Promise<void> {
    // The time is claimed before asking: another batch of the same group, or a failure, does not ask again that day.
    // Hand-written: the claim leaves updated_at alone (the builder's $onUpdate would set it: nothing a user sees
    // changed), and the ids go as one jsonb parameter (one prepared statement whatever their number).
    const claimed = await queryRows<{ id: string | number; instance_id: number; wa_chat_id: string }>(
      db,
      sql`
      update chats set subject_fetched_at = now()
      where id in ${idList(chatIds, "bigint")} and name is null and wa_chat_id like '%@g.us'
        and (subject_fetched_at is null or subject_fetched_at < now() - make_interval(hours => ${SUBJECT_REFRESH_HOURS}))
      returning id, instance_id, wa_chat_id`,
    );
    await Promise.all(
      claimed.map((r) => fetchSubject({ id: Number(r.id), instanceId: r.instance_id, waChatId: r.wa_chat_id })),
    );
  }

  return {
    request(chatIds) {
      chain = chain.then(() => fetchSubjects(chatIds)).catch((err) => log.error({ err }, "group subjects failed"));
    },
    idle: () => chain,
  };
}
