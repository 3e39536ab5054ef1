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
metrics.sseClients.set(undefined, 0);
