// A person's one chat under either of their ids (LID mode: `…@lid` and `…@c.us`): found, created and linked.
// Replies go to the chat's own id as first seen: Green-API's sends take both forms (green-api.com/en/docs/faq/
// lid-important-differences: `@c.us` kept for backward compatibility, `@lid` recommended), and writing to one person
// under two forms counts as two correspondents on the Developer plan (shared/green-api.md §5).
import { eq, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { jsonRows, queryRows } from "../db/rows.ts";
import { chats } from "../db/schema/index.ts";
import type { Gateway, InstanceCredentials } from "../greenapi/gateway.ts";
import type { MessageNotification } from "../greenapi/notifications.ts";
import type { Logger } from "../lib/log.ts";

/** A chat a batch of notifications needs: the id they name, the person's other id when told, a name when given. */
export interface WantedChat {
  instanceId: number;
  waChatId: string;
  altWaChatId: string | null;
  name: string | null;
}

export interface ChatRow {
  id: number;
  instanceId: number;
  /** The chat's own id, as first seen: replies go there. */
  waChatId: string;
  altWaChatId: string | null;
  name: string | null;
  status: string;
  assigneeId: number | null;
}

/** `instanceId waChatId`: how the chats of a batch are looked up by the id a notification named. */
export const chatKey = (c: { instanceId: number; waChatId: string }) => `${c.instanceId} ${c.waChatId}`;

/** Matches the chat stored under `waChatId` itself, or under the person's other id. */
export function chatWithId(waChatId: string): SQL {
  return or(eq(chats.waChatId, waChatId), eq(chats.altWaChatId, waChatId))!;
}

/**
 * The `…@c.us` id Green-API tells beside a personal `…@lid` chat: `senderData.senderPhoneNumber` of an incoming
 * message (in a personal chat the sender is the chat). Green-API's Telegram and MAX notifications carry that field
 * (green-api.com/en/telegram/docs/api/chat-id); no real WhatsApp body with it has been seen yet, so it is read only
 * where it can mean nothing else.
 */
export function phoneChatOf(event: MessageNotification): string | null {
  const d = event.senderData;
  if (event.typeWebhook !== "incomingMessageReceived" || !d.chatId.endsWith("@lid") || d.sender !== d.chatId)
    return null;
  const digits = String(d.senderPhoneNumber ?? "");
  return /^\d{7,15}$/.test(digits) ? `${digits}@c.us` : null;
}

/**
 * The chats of a batch, keyed by chatKey of the id each notification named: an existing chat under either id (the one
 * under that very id first), else a new one. A chat found under one id learns the other when the notification told
 * it (`alt_wa_chat_id`); its own id stays as first seen. One statement; two when the batch both names a new person's
 * `@c.us` id and tells it beside their `@lid` (the `@lid` ones then join the chat the first made).
 */
export async function resolveChats(db: Db, wanted: WantedChat[]): Promise<Map<string, ChatRow>> {
  const keys = new Set(wanted.map(chatKey));
  const later = wanted.filter(
    (w) => w.altWaChatId !== null && keys.has(chatKey({ instanceId: w.instanceId, waChatId: w.altWaChatId })),
  );
  const first = later.length > 0 ? wanted.filter((w) => !later.includes(w)) : wanted;
  const found = await resolveOnce(db, first);
  if (later.length > 0) for (const [k, row] of await resolveOnce(db, later)) found.set(k, row);
  return found;
}

async function resolveOnce(db: Db, wanted: WantedChat[]): Promise<Map<string, ChatRow>> {
  if (wanted.length === 0) return new Map();
  // Hand-written: one statement per batch finds, links and creates its chats (distinct on, data-modifying CTEs over
  // jsonb_to_recordset); bench/RESULTS.md, Ingest, set-based ingest: 115 → 2 124 msg/s.
  const rows = await queryRows<{
    key: string;
    id: string | number;
    instance_id: number;
    wa_chat_id: string;
    alt_wa_chat_id: string | null;
    name: string | null;
    status: string;
    assignee_id: number | null;
  }>(
    db,
    sql`
    with x as (
      select * from jsonb_to_recordset(${jsonRows(wanted.map((w) => ({ instance_id: w.instanceId, wa_chat_id: w.waChatId, alt: w.altWaChatId, name: w.name })))})
        as x(instance_id int, wa_chat_id text, alt text, name text)),
    hit as (
      select distinct on (x.instance_id, x.wa_chat_id) x.instance_id, x.wa_chat_id as key, x.alt,
        c.id, c.wa_chat_id, c.alt_wa_chat_id, c.name, c.status, c.assignee_id
      from x join chats c on c.instance_id = x.instance_id
        and (c.wa_chat_id in (x.wa_chat_id, x.alt) or c.alt_wa_chat_id in (x.wa_chat_id, x.alt))
      order by x.instance_id, x.wa_chat_id, c.wa_chat_id = x.wa_chat_id desc, c.id),
    linked as (
      update chats c set alt_wa_chat_id = case when hit.wa_chat_id = hit.key then hit.alt else hit.key end, updated_at = now()
      from hit
      where c.id = hit.id and c.alt_wa_chat_id is null and hit.alt is not null and hit.alt <> hit.key
      returning c.id, c.alt_wa_chat_id),
    created as (
      insert into chats (instance_id, wa_chat_id, alt_wa_chat_id, name, owner_wid)
      select x.instance_id, x.wa_chat_id, x.alt, x.name, (select nullif(i.wid, '') from instances i where i.id = x.instance_id) from x
      where not exists (select 1 from hit where hit.instance_id = x.instance_id and hit.key = x.wa_chat_id)
      on conflict (instance_id, wa_chat_id) do nothing
      returning id, instance_id, wa_chat_id, alt_wa_chat_id, name, status, assignee_id)
    -- Existing chats are only read here (their new name is written with their newest message, by the ingest).
    select wa_chat_id as key, id, instance_id, wa_chat_id, alt_wa_chat_id, name, status, assignee_id from created
    union all
    select hit.key, hit.id, hit.instance_id, hit.wa_chat_id, coalesce(linked.alt_wa_chat_id, hit.alt_wa_chat_id), hit.name, hit.status, hit.assignee_id
    from hit left join linked on linked.id = hit.id`,
  );
  return new Map(
    rows.map((r) => [
      `${r.instance_id} ${r.key}`,
      {
        id: Number(r.id),
        instanceId: r.instance_id,
        waChatId: r.wa_chat_id,
        altWaChatId: r.alt_wa_chat_id,
        name: r.name,
        status: r.status,
        assigneeId: r.assignee_id,
      },
    ]),
  );
}

/** The id a manager's new chat goes to: that of the person's existing chat when they have one under the other id. */
export async function recipientOf(db: Db, instanceId: number, waChatId: string): Promise<string> {
  const [chat] = await db
    .select({ waChatId: chats.waChatId })
    .from(chats)
    .where(sql`${chats.instanceId} = ${instanceId} and ${chatWithId(waChatId)}`)
    .orderBy(sql`${chats.waChatId} = ${waChatId} desc`, chats.id)
    .limit(1);
  return chat?.waChatId ?? waChatId;
}

export interface LinkOptions {
  db: Db;
  gateway: Gateway;
  log: Logger;
  loadInstance: (id: number) => Promise<(InstanceCredentials & { enabled: boolean }) | undefined>;
}

/**
 * Asks checkWhatsapp for the ids of a chat a manager started by phone number: in LID mode Green-API answers the
 * person's `…@lid` (with `phoneNumber` = this `…@c.us`), kept as the chat's other id so their answer lands here.
 * Background work that never throws: a failure (or a number without WhatsApp) only leaves the chat unlinked.
 */
export async function linkStartedChat(opts: LinkOptions, chatId: number): Promise<void> {
  try {
    const [chat] = await opts.db
      .select({ instanceId: chats.instanceId, waChatId: chats.waChatId, altWaChatId: chats.altWaChatId })
      .from(chats)
      .where(eq(chats.id, chatId));
    if (!chat || chat.altWaChatId !== null || !chat.waChatId.endsWith("@c.us")) return;
    const instance = await opts.loadInstance(chat.instanceId);
    if (!instance?.enabled) return;
    const found = await opts.gateway.call(
      instance,
      "checkWhatsapp",
      "background",
      (c) => c.checkWhatsapp(chat.waChatId),
      { maxAttempts: 2 },
    );
    // In LID mode the answer names the person's `@lid` as the chat to write to, with this number beside it.
    const lid =
      found.existsWhatsapp &&
      found.chatId?.endsWith("@lid") &&
      (!found.phoneNumber || found.phoneNumber === chat.waChatId)
        ? found.chatId
        : null;
    if (!lid) return;
    await opts.db
      .update(chats)
      .set({ altWaChatId: lid, updatedAt: sql`now()` })
      .where(sql`${chats.id} = ${chatId} and ${chats.altWaChatId} is null`);
  } catch (err) {
    opts.log.info({ err, chatId }, "checkWhatsapp for a new chat failed; the chat stays unlinked");
  }
}
