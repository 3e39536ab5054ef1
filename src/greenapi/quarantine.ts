// The quarantine: how a received body is read (repaired, parsed, checked against its instance), and the rows admins see.
import { and, count, desc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { notifications } from "../db/schema/index.ts";
import { parseNotification, type NotificationEvent, type ParseNotificationResult } from "./notifications.ts";
import { sanitizeNotification, type Sanitized } from "./sanitize.ts";

/** Processing is tried this many times (with backoff, see intake.ts) before the notification is quarantined. */
export const MAX_ATTEMPTS = 5;

export const FOREIGN_REASON = "notification is for another instance";

/** A received body as the intake reads it: repaired for storing, then parsed (`ok:false` with the reason otherwise). */
export type Reading = Sanitized & { foreign: boolean } & (
    | { ok: true; event: NotificationEvent }
    | { ok: false; reason: string }
  );

/** Parses a repaired body; injectable so that a replay can be tested against a relaxed schema. */
export type ParseFn = (body: unknown) => ParseNotificationResult;

/** The idInstance a body names, when it names one clearly (a number or digits); undefined otherwise. */
function namedInstance(body: unknown): number | undefined {
  const named = (body as { instanceData?: { idInstance?: unknown } } | null)?.instanceData?.idInstance;
  if (typeof named === "number") return named;
  return typeof named === "string" && /^\d{1,15}$/.test(named) ? Number(named) : undefined;
}

/**
 * Reads a received body for the instance `idInstance`: sanitised (sanitize.ts, `receivedAt` standing in for impossible
 * timestamps), parsed, and `foreign` when it names another instance (then it is not ok either).
 */
export function readNotification(
  received: unknown,
  receivedAt: Date,
  idInstance: number,
  parse: ParseFn = parseNotification,
): Reading {
  const sanitized = sanitizeNotification(received, receivedAt);
  const named = namedInstance(sanitized.body);
  const foreign = named !== undefined && named !== idInstance;
  if (foreign) return { ...sanitized, foreign, ok: false, reason: FOREIGN_REASON };
  const parsed = parse(sanitized.body);
  return { ...sanitized, foreign, ...parsed };
}

/** The journal's typeWebhook column for a body: its event's type, else its own typeWebhook string, else "invalid". */
export function typeLabel(reading: Reading): string {
  if (reading.ok)
    return reading.event.typeWebhook === "unknown"
      ? reading.event.originalTypeWebhook.slice(0, 100)
      : reading.event.typeWebhook;
  const type = (reading.body as { typeWebhook?: unknown } | null)?.typeWebhook;
  return typeof type === "string" && type !== "" ? type.slice(0, 100) : "invalid";
}

/** One quarantined notification as admins see it (never its text). */
export interface QuarantinedRow {
  id: number;
  receivedAt: Date;
  typeWebhook: string;
  reason: string;
}

/** How many of an instance's notifications are quarantined, and the newest `limit` of them. */
export async function quarantineOf(
  db: Db,
  instanceId: number,
  limit = 50,
): Promise<{ total: number; rows: QuarantinedRow[] }> {
  const where = and(eq(notifications.instanceId, instanceId), isNotNull(notifications.quarantinedAt));
  const [total, rows] = await Promise.all([
    db.select({ n: count() }).from(notifications).where(where),
    db
      .select({
        id: notifications.id,
        receivedAt: notifications.receivedAt,
        typeWebhook: notifications.typeWebhook,
        reason: notifications.error,
      })
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.id))
      .limit(limit),
  ]);
  return { total: total[0]?.n ?? 0, rows: rows.map((r) => ({ ...r, reason: r.reason ?? "" })) };
}
