// Public face of the Green-API capability: typed client, wire schemas, limits and the request scheduler.
export {
  createGreenApiClient,
  type GreenApiClient,
  type GreenApiClientOptions,
  type ReceivedNotification,
} from "./client.ts";
export type { MessageRef, SendFileByUploadInput, SendFileByUrlInput, SendMessageInput } from "./client.ts";
export { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
export { defaultHosts, UNIVERSAL_HOSTS } from "./hosts.ts";
export type { RateLimitInfo } from "./http.ts";
export { DEFAULT_RPS, RATE_LIMITS, rateLimitFor } from "./limits.ts";
export { checkWhatsappResponseSchema, groupDataSchema, type CheckWhatsappResponse, type GroupData } from "./lookups.ts";
export { knownMessageDataSchema, messageDataSchema, type MessageData, type UnknownMessageData } from "./messages.ts";
export {
  isMessageNotification,
  notificationSchema,
  parseNotification,
  type KnownNotification,
  type MessageNotification,
  type NotificationEvent,
  type OutgoingStatus,
  type ParseNotificationResult,
  type UnknownNotification,
} from "./notifications.ts";
export * from "./schemas.ts";
export {
  createScheduler,
  PRIORITIES,
  SchedulerStoppedError,
  type BucketStats,
  type Priority,
  type ScheduleOptions,
  type Scheduler,
  type SchedulerOptions,
  type Timers,
} from "./scheduler.ts";
