// Zod schemas for webhook / receiveNotification bodies (shared/green-api.md §3) and the parseNotification edge.
import { z } from "zod";
import { messageDataSchema, summarizeIssues } from "./messages.ts";
import { instanceDataSchema, stateInstanceSchema, wireChatIdSchema } from "./schemas.ts";

const common = { instanceData: instanceDataSchema, timestamp: z.number().int() };

/**
 * `senderData` of message notifications; in groups `sender` is the member and `chatName` the group. Chat ids are
 * canonical from here on (ids.ts); the raw body keeps them as sent.
 */
const senderDataSchema = z.object({
  chatId: wireChatIdSchema,
  /** Absent in some real outgoing bodies (test/fixtures/green-api/real/014-*): who wrote is then unknown. */
  sender: wireChatIdSchema.optional(),
  chatName: z.string().optional(),
  senderName: z.string().optional(),
  senderContactName: z.string().optional(),
  /** The writer's number beside a `…@lid` id (Green-API's Telegram/MAX bodies carry it as a number); read by src/conversations/chat-ids.ts. */
  senderPhoneNumber: z.union([z.number(), z.string()]).optional(),
});

const messageEnvelope = {
  ...common,
  idMessage: z.string(),
  senderData: senderDataSchema,
  messageData: messageDataSchema,
};

const outgoingStatusValues = ["sent", "delivered", "read", "failed", "noAccount", "notInGroup", "yellowCard"] as const;

/** Every documented typeWebhook. */
export const notificationSchema = z.discriminatedUnion("typeWebhook", [
  z.object({ typeWebhook: z.literal("incomingMessageReceived"), ...messageEnvelope }),
  z.object({ typeWebhook: z.literal("outgoingMessageReceived"), ...messageEnvelope }),
  z.object({ typeWebhook: z.literal("outgoingAPIMessageReceived"), ...messageEnvelope }),
  z.object({
    typeWebhook: z.literal("outgoingMessageStatus"),
    ...common,
    // Real statuses sometimes come without it: they are applied by idMessage alone (outbox-status.ts).
    chatId: wireChatIdSchema.optional(),
    idMessage: z.string(),
    status: z.enum(outgoingStatusValues),
    description: z.string().optional(),
    sendByApi: z.boolean().optional(),
  }),
  z.object({ typeWebhook: z.literal("stateInstanceChanged"), ...common, stateInstance: stateInstanceSchema }),
  z.object({
    typeWebhook: z.literal("incomingCall"),
    ...common,
    from: wireChatIdSchema,
    idMessage: z.string(),
    // Older service builds sent calls without a status (test/fixtures/green-api/real/032-*): the call is then offered.
    status: z.enum(["offer", "pickUp", "hangUp", "missed", "declined"]).default("offer"),
  }),
  z.object({
    typeWebhook: z.literal("outgoingCall"),
    ...common,
    idMessage: z.string(),
    from: z.string().optional(),
    isVideo: z.boolean().optional(),
    duration: z.number().optional(),
    status: z.string(),
    participants: z.array(z.string()).optional(),
  }),
  z.object({
    typeWebhook: z.literal("quotaExceeded"),
    ...common,
    quotaData: z.looseObject({
      method: z.string(),
      used: z.number(),
      total: z.number(),
      status: z.string(),
      description: z.string().optional(),
    }),
  }),
  z.object({
    typeWebhook: z.literal("statusInstanceChanged"),
    ...common,
    statusInstance: z.enum(["online", "offline"]),
  }),
  z.object({ typeWebhook: z.literal("deviceInfo"), ...common, deviceData: z.looseObject({}) }),
  z.object({ typeWebhook: z.literal("incomingBlock"), ...common, chatId: wireChatIdSchema, chatState: z.string() }),
]);

export type KnownNotification = z.infer<typeof notificationSchema>;
export type MessageNotification = Extract<KnownNotification, { senderData: unknown }>;

/** A typeWebhook this module does not know; the body is kept whole so nothing is dropped. */
export interface UnknownNotification {
  typeWebhook: "unknown";
  originalTypeWebhook: string;
  raw: Record<string, unknown>;
}

export type NotificationEvent = KnownNotification | UnknownNotification;

export type ParseNotificationResult = { ok: true; event: NotificationEvent } | { ok: false; reason: string };

const KNOWN_TYPE_WEBHOOKS: ReadonlySet<string> = new Set(
  notificationSchema.options.map((o) => o.shape.typeWebhook.value),
);

/**
 * Parses a webhook body or a receiveNotification `body`. Unknown typeWebhook values give an
 * `unknown` event (and unknown typeMessage values an `unknown` messageData) carrying the raw payload;
 * `ok:false` only for bodies without a typeWebhook or with a known type whose fields do not match.
 */
export function parseNotification(body: unknown): ParseNotificationResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, reason: "notification body is not an object" };
  }
  const raw = body as Record<string, unknown>;
  const type = raw.typeWebhook;
  if (typeof type !== "string") return { ok: false, reason: "typeWebhook is missing" };
  if (!KNOWN_TYPE_WEBHOOKS.has(type)) {
    return { ok: true, event: { typeWebhook: "unknown", originalTypeWebhook: type, raw } };
  }
  const parsed = notificationSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `invalid ${type}: ${summarizeIssues(parsed.error)}` };
  return { ok: true, event: parsed.data };
}

/** True for the three message notifications (they carry senderData and messageData). */
export function isMessageNotification(event: NotificationEvent): event is MessageNotification {
  return "senderData" in event;
}
