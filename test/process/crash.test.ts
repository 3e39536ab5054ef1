// Crash safety: SIGKILL the app while 500 sends are queued; after a restart every send reaches Green-API exactly once.
import { expect, test } from "bun:test";
import { instances } from "../../src/db/schema/index.ts";
import { parseConfig } from "../../src/config.ts";
import { createDeps } from "../../src/deps.ts";
import { startFakeGreenApi } from "../fakes/green-api/index.ts";
import { createFreshDatabase, testLog } from "../support/db.ts";
import { waitFor } from "../support/wait.ts";
import { freePort, start } from "./support.ts";

const ID = 7103777001;
const TOKEN = "fedcba9876543210fedcba9876543210fedcba9876543210fe";
const TOTAL = 500;

test("kill -9 with 500 queued sends: after restart each is delivered exactly once", async () => {
  const fake = startFakeGreenApi({ timings: { sendDelayMs: 1 } });
  fake.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { outgoingWebhook: "no" },
  });
  const fresh = await createFreshDatabase();
  const [row] = await fresh.database.db
    .insert(instances)
    .values({
      name: "Crash",
      idInstance: ID,
      apiToken: TOKEN,
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: "t".repeat(24),
      intakeMode: "webhook",
      state: "authorized",
    })
    .returning();
  // Queue all 500 before the app starts, through the app's own outbox (as the send route does).
  const deps = createDeps(parseConfig({}), fresh.database, testLog);
  const texts = Array.from({ length: TOTAL }, (_, i) => `crash-test message ${i}`);
  for (const [i, text] of texts.entries()) {
    await deps.outbox.enqueue({
      instanceId: row!.id,
      waChatId: "79005550001@c.us",
      text,
      idempotencyKey: `crash-key-${i}`,
      via: "web",
    });
  }
  // Hand the database to the app process (PGlite allows one process at a time).
  await fresh.database.close();

  const port = freePort();
  const env = {
    ...fresh.childEnv,
    PORT: String(port),
    HOST: "127.0.0.1",
    OUTBOX_RECONCILE_SECONDS: "2",
    LOG_LEVEL: "info",
  };
  let app = start([], env);
  try {
    // Kill it in the middle of sending (Green-API allows 50 sends/s, so 500 take ~10 s).
    const sentBefore = () => fake.control.sentMessages(ID).length;
    // At the 100th send, or after 5 s whichever comes first.
    await waitFor(() => sentBefore() >= 100, { timeout: 5000, interval: 25 }).catch(() => {});
    app.proc.kill("SIGKILL");
    await app.proc.exited;
    const atKill = sentBefore();
    console.log(`crash test: ${atKill} of ${TOTAL} sends had reached Green-API when the process was killed`);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(TOTAL);

    app = start([], env);
    // Wait until every message arrived and nothing more comes for a while (longer than the reconcile window).
    let last = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const n = sentBefore();
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      } else if (n >= TOTAL && Date.now() - stableSince > 5000) break;
      await Bun.sleep(100);
    }
    const counts = new Map<string, number>();
    for (const s of fake.control.sentMessages(ID)) counts.set(s.text ?? "", (counts.get(s.text ?? "") ?? 0) + 1);
    const missing = texts.filter((t) => !counts.has(t));
    const twice = [...counts].filter(([, n]) => n > 1);
    expect({ missing, twice, total: fake.control.sentMessages(ID).length }).toEqual({
      missing: [],
      twice: [],
      total: TOTAL,
    });
    expect(fake.control.violations(ID)).toBe(0);
    const log = app.output();
    console.log(
      `crash test: after restart ${log.split("send found in the journal").length - 1} in-flight sends were found in Green-API's journal, ${log.split("not in the journal; sending again").length - 1} were sent again`,
    );
    expect(fake.control.sentMessages(ID).every((s) => s.chatId === "79005550001@c.us")).toBe(true);
  } finally {
    app.proc.kill("SIGTERM");
    await app.proc.exited;
    await fake.stop();
    await fresh.dropDb();
  }
}, 120_000);
