// Public face of the Green-API capability: typed client, notification parsing, limits and the rate limiter.
export { createGreenApiClient, type GreenApiClient, type GreenApiClientOptions } from "./client.ts";
export { GreenApiError, type GreenApiErrorKind } from "./errors.ts";
export { rateLimitFor } from "./limits.ts";
export { isMessageNotification, parseNotification, type NotificationEvent } from "./notifications.ts";
export { createRateLimiter, type Priority } from "./rate-limiter.ts";
