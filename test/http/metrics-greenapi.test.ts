// Green-API calls in /metrics: a send through the outbox against the fake counts by method and status with its latency;
// the fake's real rate limit shows as 429s; no answer at all as status "error"; no token or URL in any label.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGreenApiClient, type GreenApiClient } from "../../src/greenapi/index.ts";
import { GreenApiError } from "../../src/greenapi/errors.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertFakeInstance } from "../support/fixtures.ts";
import { parsePrometheusText, type Family } from "../support/prometheus.ts";

const ID = 7103555101;
const RAW_ID = 7103555102;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fe";
const METRICS_TOKEN = "greenapi-metrics-token";
let fake: FakeGreenApi;
let app: TestApp;
let instanceId: number;

beforeAll(async () => {
  await resetDatabase();
  fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  for (const idInstance of [ID, RAW_ID])
    fake.control.createInstance({ idInstance, apiTokenInstance: TOKEN, state: "authorized" });
  app = await startTestApp({ METRICS_TOKEN });
  const row = await insertFakeInstance(app.deps.db, fake, { name: "Metrics", idInstance: ID, apiToken: TOKEN });
  instanceId = row!.id;
  app.deps.outbox.start();
}, 30_000);

afterAll(async () => {
  await app.deps.outbox.stop();
  await app.stop();
  await fake.stop();
});

async function scrape(): Promise<{ text: string; families: Map<string, Family> }> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, families: parsePrometheusText(text) };
}

function value(families: Map<string, Family>, sample: string, labels: Record<string, string>): number {
  const family = sample.replace(/_(bucket|sum|count)$/, "");
  const found = (families.get(sample) ?? families.get(family))?.samples.find(
    (s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value ?? 0;
}

const rawClient = (apiUrl: string, idInstance = RAW_ID): GreenApiClient =>
  createGreenApiClient({ apiUrl, mediaUrl: apiUrl, idInstance, apiTokenInstance: TOKEN });

describe("Green-API metrics", () => {
  test("a send through the outbox counts sendMessage 200 with its latency; no token or URL in labels", async () => {
    const before = (await scrape()).families;
    await app.deps.outbox.enqueue({
      instanceId,
      waChatId: "79001234567@c.us",
      text: "metrics",
      idempotencyKey: crypto.randomUUID(),
      via: "web",
    });
    expect(await app.deps.outbox.idle(10_000)).toBe(true);
    expect(fake.control.sentMessages(ID).map((s) => s.text)).toContain("metrics");

    const { text, families } = await scrape();
    expect(families.get("greeninbox_greenapi_requests_total")?.type).toBe("counter");
    expect(families.get("greeninbox_greenapi_request_duration_seconds")?.type).toBe("histogram");
    expect(families.get("greeninbox_greenapi_rate_limited_total")?.type).toBe("counter");
    const delta = (sample: string, labels: Record<string, string>) =>
      value(families, sample, labels) - value(before, sample, labels);
    const method = "sendMessage";
    expect(value(families, "greeninbox_greenapi_requests_total", { method, status: "200" })).toBeGreaterThanOrEqual(1);
    expect(delta("greeninbox_greenapi_requests_total", { method, status: "200" })).toBe(1);
    expect(delta("greeninbox_greenapi_request_duration_seconds_count", { method })).toBe(1);
    expect(delta("greeninbox_greenapi_request_duration_seconds_bucket", { method, le: "+Inf" })).toBe(1);
    expect(delta("greeninbox_greenapi_request_duration_seconds_sum", { method })).toBeGreaterThan(0);
    expect(delta("greeninbox_greenapi_rate_limited_total", { method })).toBe(0);

    expect(text).not.toContain(TOKEN);
    const labelValues = ["greeninbox_greenapi_requests_total", "greeninbox_greenapi_request_duration_seconds"].flatMap(
      (name) => families.get(name)!.samples.flatMap((s) => Object.values(s.labels)),
    );
    expect(labelValues.filter((v) => /[/:]|waInstance/.test(v))).toEqual([]);
  });

  test("429s from the fake's real rate limit count by method, beside the requests they answered", async () => {
    const before = (await scrape()).families;
    // getStateInstance allows 1 request a second per instance: of 3 at once, at most 2 pass even across a second boundary.
    const client = rawClient(fake.url);
    const results = await Promise.allSettled([1, 2, 3].map(() => client.getStateInstance()));
    const limited = results.filter(
      (r) => r.status === "rejected" && r.reason instanceof GreenApiError && r.reason.kind === "rateLimited",
    ).length;
    const passed = results.filter((r) => r.status === "fulfilled").length;
    expect(limited).toBeGreaterThanOrEqual(1);
    expect(limited + passed).toBe(3);

    const after = (await scrape()).families;
    const delta = (sample: string, labels: Record<string, string>) =>
      value(after, sample, labels) - value(before, sample, labels);
    const method = "getStateInstance";
    expect(delta("greeninbox_greenapi_rate_limited_total", { method })).toBe(limited);
    expect(delta("greeninbox_greenapi_requests_total", { method, status: "429" })).toBe(limited);
    expect(delta("greeninbox_greenapi_requests_total", { method, status: "200" })).toBe(passed);
    expect(delta("greeninbox_greenapi_request_duration_seconds_count", { method })).toBe(3);
  });

  test("a call that gets no answer counts as status error", async () => {
    const before = (await scrape()).families;
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const failure = await rawClient(url)
      .getSettings()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GreenApiError);
    expect((failure as GreenApiError).kind).toBe("network");

    const after = (await scrape()).families;
    const labels = { method: "getSettings", status: "error" };
    expect(
      value(after, "greeninbox_greenapi_requests_total", labels) -
        value(before, "greeninbox_greenapi_requests_total", labels),
    ).toBe(1);
    expect(value(after, "greeninbox_greenapi_rate_limited_total", { method: "getSettings" })).toBe(
      value(before, "greeninbox_greenapi_rate_limited_total", { method: "getSettings" }),
    );
  });
});
