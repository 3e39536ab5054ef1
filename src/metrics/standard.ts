// prom-client's default process_* and nodejs_* families, less those Bun cannot fill truthfully.
import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * Left out under Bun: V8 heap spaces (JavaScriptCore has none: all but one read 0), libuv handles, requests and
 * resources (always empty), GC durations (Bun emits no gc performance entries), the Node version Bun imitates, and
 * process_heap_bytes (VmData, which counts the gigabytes of address space JavaScriptCore reserves, not heap in use).
 */
export const OMITTED_UNDER_BUN = [
  "nodejs_heap_space_size_total_bytes",
  "nodejs_heap_space_size_used_bytes",
  "nodejs_heap_space_size_available_bytes",
  "nodejs_active_handles",
  "nodejs_active_handles_total",
  "nodejs_active_requests",
  "nodejs_active_requests_total",
  "nodejs_active_resources",
  "nodejs_active_resources_total",
  "nodejs_gc_duration_seconds",
  "nodejs_version_info",
  "process_heap_bytes",
];

export function collectStandardMetrics(registry: Registry): void {
  // Bun wakes the process for every event-loop sample: every 10 ms (the default) costs ~8 ms of CPU per idle second,
  // every 100 ms about 2.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  if (typeof Bun === "undefined") return;
  for (const name of OMITTED_UNDER_BUN) registry.removeSingleMetric(name);
}
