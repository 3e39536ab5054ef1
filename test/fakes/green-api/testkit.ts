// Helpers shared by the fake's tests: a fast fake, unique instances, clients bound to them, polling waits.
import { createGreenApiClient, type GreenApiClientOptions } from "../../../src/greenapi/index.ts";
import type { SettingsUpdate, StateInstance } from "../../../src/greenapi/schemas.ts";
import { startFakeGreenApi, type FakeGreenApi, type FakeOptions } from "./index.ts";

const FAST_TIMINGS = {
  startingMs: 40,
  statusStepMs: 5,
  maxReceiveWaitMs: 250,
  webhookRetryMs: 30,
  qrRotateMs: 20_000,
  sendDelayMs: 5,
};

/** Every webhook flag on. */
export const ALL_WEBHOOKS: SettingsUpdate = {
  incomingWebhook: "yes",
  outgoingWebhook: "yes",
  outgoingMessageWebhook: "yes",
  outgoingAPIMessageWebhook: "yes",
  stateWebhook: "yes",
  pollMessageWebhook: "yes",
  incomingCallWebhook: "yes",
  editedMessageWebhook: "yes",
  deletedMessageWebhook: "yes",
};

export function startFastFake(options: FakeOptions = {}): FakeGreenApi {
  return startFakeGreenApi({ ...options, timings: { ...FAST_TIMINGS, ...options.timings } });
}

let nextId = 1101000100;

/** A 50-hex token that is easy to search for in error texts. */
export function token(): string {
  return `${"ab".repeat(17)}${String(nextId).padStart(16, "0")}`;
}

/** Creates a fresh instance (own rate-limit buckets) and a client for it. */
export function newInstance(
  fake: FakeGreenApi,
  opts: { state?: StateInstance; settings?: SettingsUpdate; client?: Partial<GreenApiClientOptions> } = {},
) {
  const idInstance = nextId++;
  const apiTokenInstance = token();
  fake.control.createInstance({
    idInstance,
    apiTokenInstance,
    state: opts.state ?? "authorized",
    settings: opts.settings,
  });
  const client = createGreenApiClient({
    apiUrl: fake.url,
    mediaUrl: fake.mediaUrl,
    idInstance,
    apiTokenInstance,
    timeoutMs: 2000,
    ...opts.client,
  });
  return { idInstance, apiTokenInstance, client };
}
