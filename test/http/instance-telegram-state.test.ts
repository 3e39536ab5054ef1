// Offline / online of a number announced in its Telegram channel (fake Bot API), once per real change, including
// the first change after a start (when the notifier has seen no state yet).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { instances, telegramChats } from "../../src/db/schema/index.ts";
import { checkInstanceStates } from "../../src/jobs/state-check.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import { resetDatabase } from "../support/db.ts";
import { startTelegramRig, type TelegramRig } from "../support/telegram.ts";
import { waitFor } from "../support/wait.ts";

const ID = 7103333001;
const TOKEN = "1234abcd1234abcd1234abcd1234abcd1234abcd1234abcd12";
let ga: FakeGreenApi;
let rig: TelegramRig;
let channel: number;
let instanceId: number;

beforeAll(async () => {
  await resetDatabase();
  ga = startFakeGreenApi({ webhookDelivery: false });
  ga.control.createInstance({
    idInstance: ID,
    apiTokenInstance: TOKEN,
    state: "authorized",
    settings: { incomingWebhook: "yes" },
  });
  rig = await startTelegramRig();
  channel = rig.fake.control.createChat({ type: "channel", title: "Sales feed", username: "salesfeed" });
  rig.fake.control.addBot(channel);
  await waitFor(
    async () => (await rig.deps.db.select().from(telegramChats).where(eq(telegramChats.id, channel))).length > 0,
  );
  const [row] = await rig.deps.db
    .insert(instances)
    .values({
      name: "Sales",
      idInstance: ID,
      apiToken: TOKEN,
      apiUrl: ga.url,
      mediaUrl: ga.mediaUrl,
      webhookToken: "x".repeat(24),
      intakeMode: "polling",
      state: "authorized",
      telegramChatId: channel,
    })
    .returning();
  instanceId = row!.id;
}, 30_000);

afterAll(async () => {
  await rig.stop();
  await ga.stop();
});

const texts = () => rig.fake.control.sent(channel).map((s) => s.text ?? "");

async function settle() {
  await rig.telegram.notifier.settled();
  await rig.telegram.poster.idle();
}

test("going offline is announced once, coming back once with since when", async () => {
  ga.control.setState(ID, "notAuthorized");
  await checkInstanceStates(rig.deps);
  await checkInstanceStates(rig.deps); // nothing changed: nothing more
  await settle();
  await waitFor(() => texts().length >= 1);
  expect(texts()).toEqual(["📱 Sales: logged out of WhatsApp: scan the QR code again"]);
  const [row] = await rig.deps.db.select().from(instances).where(eq(instances.id, instanceId));
  const since = row!.offlineSince!.toISOString().slice(0, 16).replace("T", " ");

  ga.control.setState(ID, "authorized");
  await checkInstanceStates(rig.deps);
  await settle();
  await waitFor(() => texts().length >= 2);
  expect(texts()[1]).toBe(
    `📱 Sales: connected to WhatsApp again (offline since ${since} UTC); messages of the gap are being fetched.`,
  );
  // A page refresh repeating the state posts nothing.
  rig.deps.bus.publish({ name: "instance.changed", instanceId, data: { state: "authorized", part: "state" } });
  await settle();
  expect(texts()).toHaveLength(2);
});
