// The poster looks for work when kicked, unless every chat the kick names is being worked through already.
import { expect, test } from "bun:test";
import type { Api } from "grammy";
import type { Db } from "../db/client.ts";
import { createLogger } from "../lib/log.ts";
import { createPoster } from "./poster.ts";
import type { PostRow, PostStore } from "./posts.ts";

test("a kick for chats whose worker is busy scans nothing; a kick for another chat, or without chats, scans", async () => {
  // One queued post in chat 7 whose send hangs until released: chat 7's worker stays busy.
  let queued = true;
  let scans = 0;
  let release = () => {};
  const post = {
    id: 1,
    tgChatId: 7,
    method: "sendMessage",
    payload: { text: "hi" },
    attempts: 0,
    nextAttemptAt: null,
    createdAt: new Date(),
  } as unknown as PostRow;
  const posts = {
    heads: async () => {
      scans++;
      return queued ? [{ id: 1, tgChatId: 7, nextAttemptAt: null }] : [];
    },
    head: async () => (queued ? post : undefined),
    markSent: async () => void (queued = false),
    retryLater: async () => {},
    fail: async () => {},
    queuedCount: async () => (queued ? 1 : 0),
  } as unknown as PostStore;
  const api = {
    raw: { sendMessage: () => new Promise((resolve) => (release = () => resolve({ message_id: 99 }))) },
  } as unknown as Api;
  const poster = createPoster({ db: {} as Db, api, posts, log: createLogger("silent"), dataDir: "/nonexistent" });
  poster.start();
  const settle = () => Bun.sleep(20);
  await settle();
  const afterStart = scans;
  expect(afterStart).toBeGreaterThanOrEqual(1);

  for (let i = 0; i < 10; i++) poster.kick([7]);
  await settle();
  expect(scans).toBe(afterStart);

  poster.kick([7, 8]);
  await settle();
  expect(scans).toBe(afterStart + 1);
  poster.kick();
  await settle();
  expect(scans).toBe(afterStart + 2);

  release();
  expect(await poster.idle(2000)).toBe(true);
  await poster.stop();
});
