// /readyz and /metrics: readiness reasons, access control, and an exposition a strict Prometheus parser accepts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackupService } from "../../src/backups/service.ts";
import { Agent, startAppWithInstance, type TestApp } from "../support/app.ts";
import { testLog } from "../support/db.ts";
import { WEBHOOK_TOKEN } from "../support/fixtures.ts";
import { parsePrometheusText, type Family } from "../support/prometheus.ts";
import { checkReadiness } from "../../src/metrics/ready.ts";
import { OMITTED_UNDER_BUN } from "../../src/metrics/standard.ts";

const METRICS_TOKEN = `${"m".repeat(12)}etrics-token-1`;
let app: TestApp;
let instanceId: number;
let idInstance: number;
const dataDir = mkdtempSync(join(tmpdir(), "gi-metrics-"));

beforeAll(async () => {
  ({ app, instanceId, idInstance } = await startAppWithInstance("Metrics", {
    METRICS_TOKEN,
    DATA_DIR: dataDir,
    BACKUP_INTERVAL_HOURS: "6",
  }));
  await app.deps.users.create({ username: "boss", password: "boss-password", isAdmin: true });
  await app.deps.users.create({ username: "anna", password: "anna-password" });
}, 30_000);
afterAll(async () => {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) =>
  fetch(`${app.url}/metrics`, { headers });

function value(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  sample = family,
): number | undefined {
  return families
    .get(family)
    ?.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe("the strict parser", () => {
  test("rejects broken expositions", () => {
    const bad = [
      "x 1", // no final newline
      'x{a="1"} one\n',
      "x{a=1} 1\n",
      'x{a="\\t"} 1\n',
      "# TYPE x counter\nx -1\n",
      "# TYPE x gauge\nx 1\n# TYPE x gauge\n",
      'x 1\ny 1\nx{a="b"} 2\n',
      "x 1\nx 2\n",
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
      "# TYPE x flavour\n",
      "x  1\n",
      "x nan1\n",
      "x infinite\n",
      "x 0x1p3\n",
    ];
    for (const text of bad) expect(() => parsePrometheusText(text)).toThrow();
    const good = parsePrometheusText(
      '# HELP h Help \\\\ text\n# TYPE h histogram\nh_bucket{le="0.5",m="a\\"b"} 1\nh_bucket{le="+Inf",m="a\\"b"} 2\nh_sum{m="a\\"b"} 3.5\nh_count{m="a\\"b"} 2\n',
    );
    expect(good.get("h")!.samples).toHaveLength(4);
    expect(good.get("h")!.samples[0]!.labels.m).toBe('a"b');
    // Special values as Go's ParseFloat reads them, in any case (prom-client writes "Nan").
    const special = parsePrometheusText(
      '# TYPE g gauge\ng{v="a"} Nan\ng{v="b"} NaN\ng{v="c"} -Inf\ng{v="d"} +Infinity\n',
    )
      .get("g")!
      .samples.map((x) => x.value);
    expect(special).toEqual([NaN, NaN, -Infinity, Infinity]);
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
    expect(
      value(
        families,
        "greeninbox_http_request_duration_seconds",
        http,
        "greeninbox_http_request_duration_seconds_count",
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(families, "greeninbox_notifications_received_total", { type: "stateInstanceChanged", via: "webhook" }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(families, "greeninbox_sse_clients")).toBeGreaterThanOrEqual(1);
    expect(value(families, "greeninbox_instances", { state: "authorized" })).toBe(1);
    expect(value(families, "greeninbox_instances", { state: "notAuthorized" })).toBe(0);
    expect(value(families, "greeninbox_outbox_depth")).toBe(0);
    expect(value(families, "greeninbox_telegram_queue_depth")).toBe(0);
    // Route patterns, never raw paths: the webhook is counted under its pattern.
    const routes = new Set(
      families.get("greeninbox_http_request_duration_seconds")!.samples.map((s) => s.labels.route),
    );
    expect([...routes].some((r) => r!.includes(":instanceId"))).toBe(true);
    expect(routes.has(`/webhooks/green-api/${instanceId}`)).toBe(false);
    await reader.cancel();

    // An admin signed in may read it too.
    const asAdmin = await boss.get("/metrics");
    expect(asAdmin.status).toBe(200);
    parsePrometheusText(await asAdmin.text());
  });

  test("the rate limiter reports bucket waits per Green-API method", async () => {
    await app.deps.gateway.limiter.schedule("7103", "sendMessage", "normal", async () => "ok");
    const families = parsePrometheusText(await (await scrape()).text());
    expect(
      value(
        families,
        "greeninbox_scheduler_wait_seconds",
        { method: "sendMessage" },
        "greeninbox_scheduler_wait_seconds_count",
      ),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe("backups", () => {
  test("the newest backup's time, failures and the configured interval", async () => {
    const gauge = (families: Map<string, Family>) =>
      value(families, "greeninbox_backup_last_success_timestamp_seconds");
    const before = parsePrometheusText(await (await scrape()).text());
    expect(gauge(before)).toBe(0);
    expect(value(before, "greeninbox_backup_interval_seconds")).toBe(6 * 3600);

    const file = await app.deps.backups.run();
    const taken = parsePrometheusText(await (await scrape()).text());
    expect(gauge(taken)).toBe(file.at.getTime() / 1000);
    expect(gauge(taken)! * 1000).toBeLessThanOrEqual(Date.now());

    // A backup that fails (pg_dump missing) is counted and leaves the newest one's time as it was.
    const failing = createBackupService({
      config: { ...app.config, DATA_DIR: dataDir },
      database: { kind: "postgres", postgres: { url: "postgres://u:secret@127.0.0.1:1/x", sql: null as never } },
      log: testLog,
      tools: { pgDump: "pg_dump_gi_not_installed" },
    });
    await expect(failing.run()).rejects.toThrow("pg_dump");
    await failing.stop();
    const after = parsePrometheusText(await (await scrape()).text());
    expect(value(after, "greeninbox_backup_failures_total")! - value(taken, "greeninbox_backup_failures_total")!).toBe(
      1,
    );
    expect(gauge(after)).toBe(gauge(taken)!);
  });
});

describe("standard process families", () => {
  const vmRssBytes = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
  const scrapeFamilies = async () => parsePrometheusText(await (await scrape()).text());

  test("process_* and nodejs_* are exposed with Prometheus' standard names, types and units", async () => {
    const families = await scrapeFamilies();
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      process_cpu_seconds_total: "counter",
      process_cpu_user_seconds_total: "counter",
      process_cpu_system_seconds_total: "counter",
      process_resident_memory_bytes: "gauge",
      process_virtual_memory_bytes: "gauge",
      process_start_time_seconds: "gauge",
      process_open_fds: "gauge",
      process_max_fds: "gauge",
      nodejs_eventloop_lag_p99_seconds: "gauge",
      nodejs_heap_size_used_bytes: "gauge",
    });
    // What Bun cannot fill truthfully is left out, and the app's own start-time gauge gave way to the standard one.
    for (const name of [...OMITTED_UNDER_BUN, "greeninbox_process_start_time_seconds"])
      expect(families.has(name)).toBe(false);

    const rss = value(families, "process_resident_memory_bytes")!;
    const now = vmRssBytes();
    expect(rss).toBeGreaterThan(now / 2);
    expect(rss).toBeLessThan(now * 2);
    const start = value(families, "process_start_time_seconds")!;
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    const fds = value(families, "process_open_fds")!;
    expect(fds).toBeGreaterThanOrEqual(3);
    expect(fds).toBeLessThan(value(families, "process_max_fds")!);
    const cpu = value(families, "process_cpu_seconds_total")!;
    expect(cpu).toBeCloseTo(
      value(families, "process_cpu_user_seconds_total")! + value(families, "process_cpu_system_seconds_total")!,
      5,
    );
  });

  test("they follow what the process does: memory touched, CPU burnt, files opened", async () => {
    const before = await scrapeFamilies();
    const ballast = Buffer.alloc(128 * 1024 * 1024, 1); // filled: every page is touched, so resident
    const files = Array.from({ length: 32 }, () => openSync("/dev/null", "r"));
    const cpuStart = process.cpuUsage();
    let sink = 0;
    while (process.cpuUsage(cpuStart).user < 300_000) for (let i = 0; i < 100_000; i++) sink += Math.sqrt(i);
    try {
      const after = await scrapeFamilies();
      const delta = (name: string) => value(after, name)! - value(before, name)!;
      // Half of it at least: the collector may hand other memory back meanwhile.
      expect(delta("process_resident_memory_bytes")).toBeGreaterThan(64 * 1024 * 1024);
      expect(delta("process_cpu_user_seconds_total")).toBeGreaterThanOrEqual(0.3);
      expect(delta("process_cpu_seconds_total")).toBeGreaterThanOrEqual(0.3);
      // Sockets may close meanwhile: most of the 32, not all, are seen.
      expect(delta("process_open_fds")).toBeGreaterThanOrEqual(28);
      expect(value(after, "process_start_time_seconds")).toBe(value(before, "process_start_time_seconds")!);
    } finally {
      for (const fd of files) closeSync(fd);
    }
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(sink).toBeGreaterThan(0);
  });
});

describe("deploy/ and docs name only metrics /metrics exposes", () => {
  const ROOT = join(import.meta.dir, "../..");
  const KEYWORDS = new Set([
    "and",
    "or",
    "unless",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "offset",
    "bool",
    "inf",
    "nan",
  ]);

  /** Metric names in a PromQL expression: identifiers left once strings, label matchers, groupings, ranges and calls are set aside. */
  function metricNames(expr: string): string[] {
    const bare = expr
      .replace(/"(?:[^"\\]|\\.)*"/g, "")
      .replace(/\{[^}]*\}/g, "")
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
      .replace(/\[[^\]]*\]/g, "");
    return [...bare.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
      .filter((m) => !m[2] && !KEYWORDS.has(m[1]!.toLowerCase()))
      .map((m) => m[1]!);
  }

  async function exposedNames(): Promise<Set<string>> {
    const families = parsePrometheusText(await (await scrape()).text());
    const names = new Set<string>();
    for (const f of families.values()) {
      names.add(f.name);
      if (f.type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(f.name + suffix);
    }
    return names;
  }

  test("the PromQL reader finds metric names and nothing else", () => {
    expect(
      metricNames(
        'sum by (job) (increase(x_total{job="a", b=~"c|d"}[1h])) > 0 and on (job) y > 2 * z offset 5m > bool 1.5e3',
      ),
    ).toEqual(["x_total", "y", "z"]);
  });

  test("every alert rule and dashboard query uses exposed metrics (or Prometheus' own up)", async () => {
    const exposed = await exposedNames();
    exposed.add("up"); // written by Prometheus for every target, not by the app

    const alerts = readFileSync(join(ROOT, "deploy/prometheus-alerts.yml"), "utf8");
    expect([...alerts.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1])).toEqual(
      expect.arrayContaining([
        "GreenInboxDown",
        "GreenInboxOutboxStuck",
        "GreenInboxQuarantineGrowing",
        "GreenInboxBackupFailed",
      ]),
    );
    const alertExprs = [...alerts.matchAll(/^\s*expr: (.+)$/gm)].map((m) => m[1]!);
    expect(alertExprs.length).toBeGreaterThanOrEqual(4);

    const dashboard = JSON.parse(readFileSync(join(ROOT, "deploy/grafana-dashboard.json"), "utf8")) as {
      panels: { targets?: { expr: string }[] }[];
      templating: { list: { definition?: string }[] };
    };
    const panelExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(panelExprs.length).toBeGreaterThan(20);
    const variableMetrics = dashboard.templating.list.flatMap((v) =>
      v.definition ? [/^label_values\((\w+)/.exec(v.definition)![1]!] : [],
    );

    const used = [...alertExprs, ...panelExprs].flatMap(metricNames).concat(variableMetrics);
    expect(used.length).toBeGreaterThan(30);
    expect([...new Set(used)].filter((name) => !exposed.has(name))).toEqual([]);
  });

  test("docs/OPERATIONS.md names every greeninbox_ family, and only exposed ones", async () => {
    const exposed = await exposedNames();
    const docs = readFileSync(join(ROOT, "docs/OPERATIONS.md"), "utf8");
    const named = new Set([...docs.matchAll(/`((?:greeninbox|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!));
    expect([...named].filter((name) => !exposed.has(name))).toEqual([]);
    const families = [...parsePrometheusText(await (await scrape()).text()).keys()].filter((n) =>
      n.startsWith("greeninbox_"),
    );
    expect(families.filter((name) => !named.has(name))).toEqual([]);
  });
});

describe("/readyz", () => {
  test("200 when the database answers and migrations are applied; 503 with a reason otherwise", async () => {
    const ok = await fetch(`${app.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ready" });

    const { db } = app.deps;
    const latest = sql`(select max(created_at) from drizzle.__drizzle_migrations)`;
    await db.execute(
      sql`update drizzle.__drizzle_migrations set created_at = created_at - 1 where created_at = ${latest}`,
    );
    try {
      const pending = await fetch(`${app.url}/readyz`);
      expect(pending.status).toBe(503);
      // Public: the reason, never the raw detail behind it.
      expect(await pending.json()).toEqual({ status: "unavailable", reason: "migrations" });
    } finally {
      await db.execute(
        sql`update drizzle.__drizzle_migrations set created_at = created_at + 1 where created_at = ${latest}`,
      );
    }
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    const down = await checkReadiness(db, async () => {
      throw new Error("connection refused");
    });
    expect(down).toEqual({ ready: false, reason: "database", detail: "connection refused" });
  });
});
