// One app over the fake Green-API with a number in each intake mode, for tests that feed the same bodies both ways.
import { instances } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { ALL_WEBHOOKS } from "../fakes/green-api/testkit.ts";
import { startTestApp, type TestApp } from "./app.ts";
import { resetDatabase } from "./db.ts";

export type IntakeMode = "webhook" | "polling";
export const MODES = ["webhook", "polling"] as const;

export interface ModeNumber {
  idInstance: number;
  /** The app's id of the number. */
  instanceId: number;
  webhookToken: string;
}

export interface BothModes {
  fake: FakeGreenApi;
  app: TestApp;
  numbers: Record<IntakeMode, ModeNumber>;
  stop(): Promise<void>;
}

/**
 * A fresh database, the fake (every notification flag on) and an app with two authorized numbers: the fake posts the
 * first one's notifications to the app's webhook route, the app polls the second's; the outbox runs.
 */
export async function startBothModes(
  idInstances: Record<IntakeMode, number>,
  env: Record<string, string> = {},
): Promise<BothModes> {
  await resetDatabase();
  const fake = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 5, maxReceiveWaitMs: 200 } });
  const app = await startTestApp({ POLL_TIMEOUT_SECONDS: "5", ...env });
  const apiToken = `${"0123456789abcdef".repeat(3)}${String(idInstances.webhook).slice(-2)}`;
  const numbers = {} as Record<IntakeMode, ModeNumber>;
  for (const mode of MODES) {
    const idInstance = idInstances[mode];
    const webhookToken = `${mode}-${idInstance}`.padEnd(24, "x");
    fake.control.createInstance({
      idInstance,
      apiTokenInstance: apiToken,
      state: "authorized",
      settings: ALL_WEBHOOKS,
    });
    const [row] = await app.deps.db
      .insert(instances)
      .values({
        name: mode,
        idInstance,
        apiToken,
        apiUrl: fake.url,
        mediaUrl: fake.mediaUrl,
        webhookToken,
        intakeMode: mode,
        state: "authorized",
      })
      .returning();
    numbers[mode] = { idInstance, instanceId: row!.id, webhookToken };
    if (mode === "webhook")
      fake.control.setSettings(idInstance, {
        webhookUrl: `${app.url}/webhooks/green-api/${row!.id}`,
        webhookUrlToken: webhookToken,
      });
    else app.deps.poller.start(row!);
  }
  app.deps.outbox.start();
  return {
    fake,
    app,
    numbers,
    async stop() {
      await app.deps.poller.stopAll();
      await app.deps.outbox.stop();
      await app.stop();
      await fake.stop();
    },
  };
}
