// The process's metrics: instruments other modules feed with one-line hooks, exposed at /metrics.
import { LATENCY_BUCKETS, Registry } from "./registry.ts";

export const registry = new Registry();

export const metrics = {
  httpDuration: registry.histogram(
    "greeninbox_http_request_duration_seconds",
    "HTTP request latency by method, route pattern and status class (streams excluded)",
    ["method", "route", "status"],
  ),
  notifications: registry.counter(
    "greeninbox_notifications_received_total",
    "Green-API notifications journaled (duplicates excluded), by typeWebhook and intake mode",
    ["type", "via"],
  ),
  notificationsIgnored: registry.counter(
    "greeninbox_notifications_ignored_total",
    "Message notifications deliberately not stored (not customer conversations), by reason",
    ["reason"],
  ),
  notificationsQuarantined: registry.counter(
    "greeninbox_notifications_quarantined_total",
    "Notifications put in quarantine (kept for admins and `intake replay`), by reason: invalid (could not be read) or failed (processing failed repeatedly)",
    ["reason"],
  ),
  quarantined: registry.gauge("greeninbox_notifications_quarantined", "Notifications in quarantine now, by instance (the app's number id)", ["instance"]),
  outboxDepth: registry.gauge("greeninbox_outbox_depth", "Outgoing WhatsApp messages queued or being sent"),
  outboxOldest: registry.gauge("greeninbox_outbox_oldest_age_seconds", "Age of the oldest message still in the outbox (0 when empty)"),
  schedulerWait: registry.histogram(
    "greeninbox_scheduler_wait_seconds",
    "Time a Green-API call waited for its rate-limit bucket before its first attempt, by method",
    ["method"],
    [0, ...LATENCY_BUCKETS, 60],
  ),
  telegramQueue: registry.gauge("greeninbox_telegram_queue_depth", "Telegram posts waiting to be sent"),
  sseClients: registry.gauge("greeninbox_sse_clients", "Open live-update (SSE) connections"),
  instances: registry.gauge("greeninbox_instances", "WhatsApp numbers by state (enabled ones)", ["state"]),
  up: registry.gauge("greeninbox_process_start_time_seconds", "Start time of the process since the Unix epoch"),
};

metrics.up.set(undefined, Math.floor(Date.now() / 1000));
for (const reason of ["invalid", "failed"]) metrics.notificationsQuarantined.inc({ reason }, 0);
metrics.sseClients.set(undefined, 0);
