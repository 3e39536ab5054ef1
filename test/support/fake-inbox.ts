// The inbox of the browser tests (test/browser/watch.ts adds Chromium): a fresh database, the fake Green-API with one
// authorized instance, the app with that instance on the fake and users with access to it.
import type { instances } from "../../src/db/schema/index.ts";
import { startFakeGreenApi, type FakeGreenApi, type FakeOptions } from "../fakes/green-api/index.ts";
import type { CreateInstanceInput } from "../fakes/green-api/instances.ts";
import { startTestApp, type TestApp } from "./app.ts";
import { resetDatabase } from "./db.ts";
import { grant, insertFakeInstance } from "./fixtures.ts";

type NewInstance = typeof instances.$inferInsert;

export interface FakeInboxSetUp {
  /** The instance's row (named "Sales" unless `name` says otherwise); the fake knows it by idInstance and apiToken. */
  instance: Pick<NewInstance, "idInstance" | "apiToken"> & Partial<NewInstance>;
  /** The fake instance's settings (which webhooks it sends); Green-API's defaults unless given. */
  settings?: CreateInstanceInput["settings"];
  /** The fake's options; unless given, sends are quick, statuses step every 400 ms and receive waits end within 1 s. */
  fake?: FakeOptions;
  /** The app's configuration (test/support/app.ts). */
  env?: Record<string, string>;
  /** Users with access to the instance, created in this order: username, display name and, if given, their language. */
  users: readonly (readonly [username: string, displayName: string, locale?: "en" | "ru"])[];
  password: string;
}

export interface FakeInbox {
  fake: FakeGreenApi;
  app: TestApp;
  instance: typeof instances.$inferSelect;
  /** User ids by username. */
  users: Record<string, number>;
  /** Stops the app's background work (outbox, pollers, media downloads), the app and the fake. */
  stop(): Promise<void>;
}

/**
 * For `startFakeInbox`: the fake queues incoming and outgoing notifications, the app takes them in 5 s long polls
 * and reconciles its outbox every 2 s.
 */
export const POLLED = {
  settings: { incomingWebhook: "yes", outgoingWebhook: "yes", outgoingAPIMessageWebhook: "yes" },
  env: { POLL_TIMEOUT_SECONDS: "5", OUTBOX_RECONCILE_SECONDS: "2" },
} satisfies Partial<FakeInboxSetUp>;

export async function startFakeInbox(setUp: FakeInboxSetUp): Promise<FakeInbox> {
  await resetDatabase();
  const fake = startFakeGreenApi(
    setUp.fake ?? { timings: { sendDelayMs: 1, statusStepMs: 400, maxReceiveWaitMs: 1000 } },
  );
  const { idInstance, apiToken } = setUp.instance;
  fake.control.createInstance({
    idInstance,
    apiTokenInstance: apiToken,
    state: "authorized",
    settings: setUp.settings,
  });
  const app = await startTestApp(setUp.env);
  const { db } = app.deps;
  const instance = await insertFakeInstance(db, fake, { name: "Sales", ...setUp.instance });
  const users: Record<string, number> = {};
  for (const [username, displayName, locale] of setUp.users) {
    const user = await app.deps.users.create({ username, displayName, password: setUp.password });
    if (locale) await app.deps.users.setLocale(user.id, locale);
    await grant(db, user.id, instance.id);
    users[username] = user.id;
  }
  return {
    fake,
    app,
    instance,
    users,
    async stop() {
      await app.deps.outbox.stop();
      await app.deps.poller.stopAll();
      await app.deps.media.stop();
      await app.stop();
      await fake.stop();
    },
  };
}
