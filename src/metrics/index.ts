// The process's metrics (prom-client): the standard process_* and nodejs_* families and the app's own, which other
// modules feed with one-line hooks; exposed at /metrics. Label values come from fixed sets (route patterns, API
// method names, states), never from URLs, ids typed by users or tokens.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { outboundMetrics } from "./outbound.ts";
import { collectStandardMetrics } from "./standard.ts";

export const registry = new Registry();
collectStandardMetrics(registry);

/** Seconds buckets for request latencies and queue waits. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Calls to outside APIs, whose long polls wait up to 60 s. */
const CALL_BUCKETS = [...LATENCY_BUCKETS, 60];
const registers = [registry];

export const metrics = {
  httpDuration: new Histogram({
    name: "greeninbox_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status class (streams excluded)",
    labelNames: ["method", "route", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  }),
  notifications: new Counter({
    name: "greeninbox_notifications_received_total",
    help: "Green-API notifications journaled (duplicates excluded), by typeWebhook and intake mode",
    labelNames: ["type", "via"] as const,
    registers,
  }),
  notificationsIgnored: new Counter({
    name: "greeninbox_notifications_ignored_total",
    help: "Message notifications deliberately not stored (not customer conversations), by reason",
    labelNames: ["reason"] as const,
    registers,
  }),
  notificationsQuarantined: new Counter({
    name: "greeninbox_notifications_quarantined_total",
    help: "Notifications put in quarantine (kept for admins and `intake replay`), by reason: invalid (could not be read) or failed (processing failed repeatedly)",
    labelNames: ["reason"] as const,
    registers,
  }),
  // Not `instance`: Prometheus gives every target that label, and would rename this one to exported_instance.
  quarantined: new Gauge({
    name: "greeninbox_notifications_quarantined",
    help: "Notifications in quarantine now, by number (the app's number id)",
    labelNames: ["instance_id"] as const,
    registers,
  }),
  outboxDepth: new Gauge({
    name: "greeninbox_outbox_depth",
    help: "Outgoing WhatsApp messages queued or being sent",
    registers,
  }),
  outboxOldest: new Gauge({
    name: "greeninbox_outbox_oldest_age_seconds",
    help: "Age of the oldest message still in the outbox (0 when empty)",
    registers,
  }),
  // The rate limiter's waits (greenapi/rate-limiter.ts); the metric keeps its published name.
  rateLimiterWait: new Histogram({
    name: "greeninbox_scheduler_wait_seconds",
    help: "Time a Green-API call waited for its rate-limit bucket before its first attempt, by method",
    labelNames: ["method"] as const,
    buckets: [0, ...LATENCY_BUCKETS, 60],
    registers,
  }),
  greenApi: outboundMetrics(registry, {
    api: "greenapi",
    title: "Green-API",
    statusHelp: "HTTP status code, or error when no answer came: connection failed or timed out",
    buckets: CALL_BUCKETS,
  }),
  telegram: outboundMetrics(registry, {
    api: "telegram",
    title: "Telegram Bot API",
    statusHelp: "ok, Telegram's error_code, or error when no answer came",
    buckets: CALL_BUCKETS,
  }),
  telegramQueue: new Gauge({
    name: "greeninbox_telegram_queue_depth",
    help: "Telegram posts waiting to be sent",
    registers,
  }),
  sseClients: new Gauge({ name: "greeninbox_sse_clients", help: "Open live-update (SSE) connections", registers }),
  instances: new Gauge({
    name: "greeninbox_instances",
    help: "WhatsApp numbers by state (enabled ones)",
    labelNames: ["state"] as const,
    registers,
  }),
  backupFailures: new Counter({
    name: "greeninbox_backup_failures_total",
    help: "Backups that failed (scheduled or on demand)",
    registers,
  }),
  backupLastSuccess: new Gauge({
    name: "greeninbox_backup_last_success_timestamp_seconds",
    help: "When the newest backup in the backup folder was written, since the Unix epoch (0 when there is none)",
    registers,
  }),
  backupInterval: new Gauge({
    name: "greeninbox_backup_interval_seconds",
    help: "BACKUP_INTERVAL_HOURS in seconds (0: scheduled backups off)",
    registers,
  }),
  pushes: new Counter({
    name: "greeninbox_pushes_total",
    help: "Web Push notifications sent to push services, by result: sent, expired (404/410: the subscription is removed) or failed",
    labelNames: ["result"] as const,
    registers,
  }),
};

for (const reason of ["invalid", "failed"]) metrics.notificationsQuarantined.inc({ reason }, 0);
