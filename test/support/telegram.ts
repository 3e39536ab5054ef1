// Telegram test rig: app dependencies wired to the fake Bot API (fast flood-control windows), plus incoming-message helpers.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config.ts";
import { createDeps } from "../../src/deps.ts";
import type { MessageMedia } from "../../src/db/schema/inbox.ts";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";
import { chats, type instances, messages, users } from "../../src/db/schema/index.ts";
import { EVENTS } from "../../src/events/names.ts";
import type { StoredIncoming } from "../../src/conversations/index.ts";
import type { AppDeps } from "../../src/env.ts";
import type { Telegram } from "../../src/telegram/index.ts";
import { startFakeGreenApi, type FakeGreenApi } from "../fakes/green-api/index.ts";
import type { CreateInstanceInput } from "../fakes/green-api/instances.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/index.ts";
import { resetDatabase, testDatabase, testLog } from "./db.ts";
import { grant, insertFakeInstance } from "./fixtures.ts";

/** Flood-control windows 20× shorter on both sides (the fake and the bot's throttler). */
export const TIME_SCALE = 0.05;

export interface TelegramRig {
  deps: AppDeps;
  telegram: Telegram;
  fake: FakeTelegram;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTelegramRig(env: Record<string, string> = {}): Promise<TelegramRig> {
  const fake = startFakeTelegram({ timeScale: TIME_SCALE });
  const dataDir = mkdtempSync(join(tmpdir(), "gi-tg-"));
  mkdirSync(join(dataDir, "media"));
  const config = parseConfig({
    PORT: "1",
    LOG_LEVEL: "silent",
    DEFAULT_LOCALE: "en",
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    OUTBOX_RECONCILE_SECONDS: "1",
    POLL_TIMEOUT_SECONDS: "5",
    ...env,
  });
  const deps = createDeps(config, await testDatabase(), testLog, {
    telegram: { timeScale: TIME_SCALE, retryBaseMs: 50, retryMaxMs: 400 },
  });
  const telegram = deps.telegram!;
  telegram.start();
  return {
    deps,
    telegram,
    fake,
    dataDir,
    async stop() {
      await telegram.stop();
      telegram.notifier.unsubscribe();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The fake Green-API of the Telegram tests (quick sends and statuses) with one authorized instance. */
export function startTelegramGreenApi(
  idInstance: number,
  apiToken: string,
  settings: CreateInstanceInput["settings"],
): FakeGreenApi {
  const ga = startFakeGreenApi({ timings: { sendDelayMs: 1, statusStepMs: 30, maxReceiveWaitMs: 200 } });
  ga.control.createInstance({ idInstance, apiTokenInstance: apiToken, state: "authorized", settings });
  return ga;
}

/** A user of the app (password "password123") linked to a Telegram user and with access to the instance; its id. */
export async function linkedUser(
  deps: AppDeps,
  username: string,
  telegramUserId: number,
  instanceId: number,
): Promise<number> {
  const user = await deps.users.create({ username, password: "password123" });
  await deps.db.update(users).set({ telegramUserId }).where(eq(users.id, user.id));
  await grant(deps.db, user.id, instanceId);
  return user.id;
}

export interface TelegramDesk {
  ga: FakeGreenApi;
  rig: TelegramRig;
  /** The supergroup "Sales desk" the number posts to. */
  group: number;
  instance: typeof instances.$inferSelect;
  /** The Telegram user ids of `members`, in their order. */
  members: number[];
  /** Stops the pollers, the outbox, the rig and the fake Green-API. */
  stop(): Promise<void>;
}

/**
 * A fresh database, the fake Green-API with one authorized instance, the rig, and the instance's row (named "Sales",
 * polling) linked to a supergroup "Sales desk" created by Olga with `members` and the bot in it. Members with a
 * username are users of the app too, linked to their Telegram account and with access to the number.
 */
export async function startTelegramDesk(setUp: {
  instance: Pick<typeof instances.$inferInsert, "idInstance" | "apiToken" | "wid">;
  settings: CreateInstanceInput["settings"];
  members: { firstName: string; username?: string }[];
}): Promise<TelegramDesk> {
  await resetDatabase();
  const { idInstance, apiToken } = setUp.instance;
  const ga = startTelegramGreenApi(idInstance, apiToken, setUp.settings);
  const rig = await startTelegramRig();
  const tg = rig.fake.control;
  const members = setUp.members.map(({ firstName }) => tg.createUser({ firstName }).id);
  const group = tg.createChat({ type: "supergroup", title: "Sales desk" });
  tg.addMember(group, tg.createUser({ firstName: "Olga" }).id, "creator");
  for (const member of members) tg.addMember(group, member);
  tg.addBot(group);
  const instance = await insertFakeInstance(rig.deps.db, ga, {
    name: "Sales",
    ...setUp.instance,
    telegramChatId: group,
  });
  for (const [i, { username }] of setUp.members.entries())
    if (username) await linkedUser(rig.deps, username, members[i]!, instance.id);
  return {
    ga,
    rig,
    group,
    instance,
    members,
    async stop() {
      await rig.deps.poller.stopAll();
      await rig.deps.outbox.stop();
      await rig.stop();
      await ga.stop();
    },
  };
}

/** Stores an incoming WhatsApp message, queues its notification when Telegram is set up (as ingest does), and publishes messageCreated. */
export async function incoming(
  deps: AppDeps,
  input: {
    instanceId: number;
    chatId: number;
    text?: string;
    senderName?: string;
    media?: MessageMedia;
    type?: string;
  },
): Promise<number> {
  const [row] = await deps.db
    .insert(messages)
    .values({
      instanceId: input.instanceId,
      chatId: input.chatId,
      idMessage: crypto.randomUUID().replaceAll("-", "").toUpperCase(),
      direction: "in",
      type: input.type ?? (input.media ? "imageMessage" : "textMessage"),
      text: input.text ?? null,
      senderName: input.senderName ?? null,
      via: "whatsapp",
      media: input.media,
    })
    .returning({ id: messages.id });
  await deps.telegram?.queueIncoming(
    { db: deps.db, inTransaction: false, defer: (effect) => void effect() },
    await storedIncoming(deps.db, [row!.id]),
  );
  deps.bus.publish({
    name: EVENTS.messageCreated,
    instanceId: input.instanceId,
    data: { messageId: row!.id, chatId: input.chatId },
  });
  return row!.id;
}

/** Messages stored by a test, as the ingest hands them to Telegram (in the order of `ids`). */
export async function storedIncoming(db: Db, ids: number[]): Promise<StoredIncoming[]> {
  const rows = await db
    .select({
      id: messages.id,
      instanceId: messages.instanceId,
      chatId: messages.chatId,
      waChatId: chats.waChatId,
      chatName: chats.name,
      senderName: messages.senderName,
      type: messages.type,
      text: messages.text,
      event: messages.event,
      media: messages.media,
      quotedIdMessage: messages.quotedIdMessage,
    })
    .from(messages)
    .innerJoin(chats, eq(chats.id, messages.chatId))
    .where(inArray(messages.id, ids));
  const byId = new Map(rows.map((r) => [r.id, { ...r, senderId: null }]));
  return ids.map((id) => byId.get(id)!);
}
