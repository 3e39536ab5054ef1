// /readyz and /metrics: readiness reasons, access control, and an exposition a strict Prometheus parser accepts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { Agent, startWebhookApp, type TestApp } from "../support/app.ts";
import { WEBHOOK_TOKEN } from "../support/fixtures.ts";
import { parsePrometheusText, type Family } from "../support/prometheus.ts";
import { checkReadiness } from "../../src/metrics/ready.ts";

const METRICS_TOKEN = "m".repeat(12) + "etrics-token-1";
let app: TestApp;
let instanceId: number;
let idInstance: number;

beforeAll(async () => {
  ({ app, instanceId, idInstance } = await startWebhookApp("Metrics", { METRICS_TOKEN }));
  await app.deps.users.create({ username: "boss", password: "boss-password", isAdmin: true });
  await app.deps.users.create({ username: "anna", password: "anna-password" });
}, 30_000);
afterAll(() => app.stop());

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) => fetch(`${app.url}/metrics`, { headers });

function value(families: Map<string, Family>, family: string, labels: Record<string, string> = {}, sample = family): number | undefined {
  return families
    .get(family)
    ?.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe("the strict parser", () => {
  test("rejects broken expositions", () => {
    const bad = [
      "x 1", // no final newline
      "x{a=\"1\"} one\n",
      "x{a=1} 1\n",
      "x{a=\"\\t\"} 1\n",
      "# TYPE x counter\nx -1\n",
      "# TYPE x gauge\nx 1\n# TYPE x gauge\n",
      "x 1\ny 1\nx{a=\"b\"} 2\n",
      "x 1\nx 2\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE x flavour\n",
      "x  1\n",
    ];
    for (const text of bad) expect(() => parsePrometheusText(text)).toThrow();
    const good = parsePrometheusText('# HELP h Help \\\\ text\n# TYPE h histogram\nh_bucket{le="0.5",m="a\\"b"} 1\nh_bucket{le="+Inf",m="a\\"b"} 2\nh_sum{m="a\\"b"} 3.5\nh_count{m="a\\"b"} 2\n');
    expect(good.get("h")!.samples).toHaveLength(4);
    expect(good.get("h")!.samples[0]!.labels.m).toBe('a"b');
  });
});

describe("/metrics", () => {
  test("is refused without credentials (401), with a wrong token (401) and to a signed-in non-admin (404)", async () => {
    const anonymous = await scrape({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect(await anonymous.text()).not.toContain("greeninbox_");
    expect((await scrape({ authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
    expect((await scrape({ authorization: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
    const anna = new Agent(app.url);
    expect((await anna.login("anna", "anna-password")).status).toBe(303);
    expect((await anna.get("/metrics")).status).toBe(404);
  });

  test("with the token or an admin session it serves the text format with every promised metric", async () => {
    // Traffic to measure: a page, a webhook, an open live stream.
    expect((await fetch(`${app.url}/login`)).status).toBe(200);
    const hook = await fetch(`${app.url}/webhooks/green-api/${instanceId}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify({
        typeWebhook: "stateInstanceChanged",
        instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
        timestamp: 1700000000,
        stateInstance: "authorized",
      }),
    });
    expect(hook.status).toBe(200);
    const boss = new Agent(app.url);
    expect((await boss.login("boss", "boss-password")).status).toBe(303);
    const stream = await boss.get("/events");
    const reader = stream.body!.getReader();
    await reader.read();

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusText(await res.text());
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      greeninbox_http_request_duration_seconds: "histogram",
      greeninbox_notifications_received_total: "counter",
      greeninbox_outbox_depth: "gauge",
      greeninbox_outbox_oldest_age_seconds: "gauge",
      greeninbox_scheduler_wait_seconds: "histogram",
      greeninbox_telegram_queue_depth: "gauge",
      greeninbox_sse_clients: "gauge",
      greeninbox_instances: "gauge",
    });
    const http = { method: "GET", route: "/login", status: "2xx" };
    expect(value(families, "greeninbox_http_request_duration_seconds", http, "greeninbox_http_request_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(value(families, "greeninbox_notifications_received_total", { type: "stateInstanceChanged", via: "webhook" })).toBeGreaterThanOrEqual(1);
    expect(value(families, "greeninbox_sse_clients")).toBeGreaterThanOrEqual(1);
    expect(value(families, "greeninbox_instances", { state: "authorized" })).toBe(1);
    expect(value(families, "greeninbox_instances", { state: "notAuthorized" })).toBe(0);
    expect(value(families, "greeninbox_outbox_depth")).toBe(0);
    expect(value(families, "greeninbox_telegram_queue_depth")).toBe(0);
    // Route patterns, never raw paths: the webhook is counted under its pattern.
    const routes = new Set(families.get("greeninbox_http_request_duration_seconds")!.samples.map((s) => s.labels.route));
    expect([...routes].some((r) => r!.includes(":instanceId"))).toBe(true);
    expect(routes.has(`/webhooks/green-api/${instanceId}`)).toBe(false);
    await reader.cancel();

    // An admin signed in may read it too.
    const asAdmin = await boss.get("/metrics");
    expect(asAdmin.status).toBe(200);
    parsePrometheusText(await asAdmin.text());
  });

  test("the scheduler reports bucket waits per Green-API method", async () => {
    await app.deps.gateway.scheduler.schedule("7103", "sendMessage", "normal", async () => "ok");
    const families = parsePrometheusText(await (await scrape()).text());
    expect(value(families, "greeninbox_scheduler_wait_seconds", { method: "sendMessage" }, "greeninbox_scheduler_wait_seconds_count")).toBeGreaterThanOrEqual(1);
  });
});

describe("/readyz", () => {
  test("200 when the database answers and migrations are applied; 503 with a reason otherwise", async () => {
    const ok = await fetch(`${app.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ready" });

    const { db } = app.deps;
    const latest = sql`(select max(created_at) from drizzle.__drizzle_migrations)`;
    await db.execute(sql`update drizzle.__drizzle_migrations set created_at = created_at - 1 where created_at = ${latest}`);
    try {
      const pending = await fetch(`${app.url}/readyz`);
      expect(pending.status).toBe(503);
      // Public: the reason, never the raw detail behind it.
      expect(await pending.json()).toEqual({ status: "unavailable", reason: "migrations" });
    } finally {
      await db.execute(sql`update drizzle.__drizzle_migrations set created_at = created_at + 1 where created_at = ${latest}`);
    }
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    const down = await checkReadiness(db, async () => {
      throw new Error("connection refused");
    });
    expect(down).toEqual({ ready: false, reason: "database", detail: "connection refused" });
  });
});
