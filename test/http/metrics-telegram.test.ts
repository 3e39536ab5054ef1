// Bot API calls in /metrics: the app's bot (the Telegram rig on the fake Bot API) counts every round trip by method and
// status (ok, Telegram's error_code, or error), with its latency; a 429 from the fake's flood control counts as such.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Api, GrammyError, HttpError } from "grammy";
import { createApp } from "../../src/app.tsx";
import { createApiBot } from "../../src/telegram/bot.ts";
import { resetDatabase } from "../support/db.ts";
import { parsePrometheusText, type Family } from "../support/prometheus.ts";
import { startTelegramRig, type TelegramRig } from "../support/telegram.ts";

const METRICS_TOKEN = "telegram-metrics-token";
let rig: TelegramRig;
let server: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  await resetDatabase();
  rig = await startTelegramRig({ METRICS_TOKEN });
  const app = createApp(rig.deps);
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => app.fetch(req, srv) });
}, 30_000);

afterAll(async () => {
  await server.stop(true);
  await rig.stop();
});

async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

function value(families: Map<string, Family>, sample: string, labels: Record<string, string>): number {
  const family = families.get(sample) ?? families.get(sample.replace(/_(bucket|sum|count)$/, ""));
  return (
    family?.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      ?.value ?? 0
  );
}

async function deltas(
  act: () => Promise<unknown>,
): Promise<(sample: string, labels: Record<string, string>) => number> {
  const before = await scrape();
  await act();
  const after = await scrape();
  return (sample, labels) => value(after, sample, labels) - value(before, sample, labels);
}

describe("Telegram metrics", () => {
  test("a post counts sendMessage ok with its latency; Telegram's refusal counts under its error_code", async () => {
    const channel = rig.fake.control.createChat({ type: "channel", title: "Metrics" });
    rig.fake.control.addBot(channel);
    const delta = await deltas(async () => {
      await rig.telegram.bot.api.sendMessage(channel, "hello");
      const refused = await rig.telegram.bot.api.sendMessage(-999_999_999, "nowhere").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GrammyError);
      expect((refused as GrammyError).error_code).toBe(400);
    });
    const method = "sendMessage";
    expect(delta("greeninbox_telegram_requests_total", { method, status: "ok" })).toBe(1);
    expect(delta("greeninbox_telegram_requests_total", { method, status: "400" })).toBe(1);
    expect(delta("greeninbox_telegram_request_duration_seconds_count", { method })).toBe(2);
    expect(delta("greeninbox_telegram_request_duration_seconds_sum", { method })).toBeGreaterThan(0);
    expect(delta("greeninbox_telegram_rate_limited_total", { method })).toBe(0);
    // Long polling goes through the same client.
    expect(
      value(await scrape(), "greeninbox_telegram_requests_total", { method: "getUpdates", status: "ok" }),
    ).toBeGreaterThanOrEqual(1);
  });

  test("a 429 from flood control is counted, and the retry that then succeeds too", async () => {
    const group = rig.fake.control.createChat({ type: "group", title: "Busy group" });
    rig.fake.control.addBot(group, { status: "member" });
    // Another client (not counted) fills the group's 20-a-minute window (scaled by the rig's TIME_SCALE); refusals of the
    // one-a-second rule per chat are simply tried again.
    const other = new Api(rig.fake.token, { apiRoot: rig.fake.url });
    for (let accepted = 0; accepted < 20; ) {
      if (
        await other.sendMessage(group, `filler ${accepted}`).then(
          () => true,
          () => false,
        )
      )
        accepted++;
    }
    const violations = rig.fake.control.violations();
    const delta = await deltas(() => rig.telegram.bot.api.sendMessage(group, "over the limit"));
    const refused = rig.fake.control.violations() - violations;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(delta("greeninbox_telegram_rate_limited_total", { method: "sendMessage" })).toBe(refused);
    expect(delta("greeninbox_telegram_requests_total", { method: "sendMessage", status: "429" })).toBe(refused);
    expect(delta("greeninbox_telegram_requests_total", { method: "sendMessage", status: "ok" })).toBe(1);
  }, 30_000);

  test("a call that gets no answer counts as status error", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const apiRoot = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const delta = await deltas(async () => {
      const failure = await createApiBot(rig.fake.token, apiRoot)
        .api.getMe()
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(HttpError);
    });
    expect(delta("greeninbox_telegram_requests_total", { method: "getMe", status: "error" })).toBe(1);
  });
});
