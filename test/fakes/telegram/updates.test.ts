// The fake's updates and flood control: offsets, long polls, 409 on a second poller, injected updates, 429 + retry_after.
import { afterEach, describe, expect, test } from "bun:test";
import { Api, Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { waitFor } from "../../support/wait.ts";
import { startFakeTelegram, type FakeTelegram } from "./index.ts";

let fake: FakeTelegram;
afterEach(() => fake.stop());

async function getUpdates(
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<{ status: number; body: { ok: boolean; result?: Update[]; description?: string } }> {
  const res = await fetch(`${fake.url}/bot${fake.token}/getUpdates`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
    signal,
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe("getUpdates", () => {
  test("offsets confirm updates for good; allowed_updates filters; ascending ids", async () => {
    fake = startFakeTelegram();
    const channel = fake.control.createChat({ type: "channel", title: "C" });
    fake.control.addBot(channel);
    fake.control.channelPost({ chatId: channel, text: "one" });
    fake.control.channelPost({ chatId: channel, text: "two" });
    const all = (await getUpdates({})).body.result!;
    expect(all.map((u) => Object.keys(u)[1])).toEqual(["my_chat_member", "channel_post", "channel_post"]);
    expect(all[1]!.update_id).toBe(all[0]!.update_id + 1);
    const rest = (await getUpdates({ offset: all[1]!.update_id })).body.result!;
    expect(rest.map((u) => u.channel_post?.text ?? u.my_chat_member)).toEqual(["one", "two"]);
    const posts = (await getUpdates({ allowed_updates: ["message"] })).body.result!;
    expect(posts).toEqual([]);
    expect(fake.control.pendingUpdates()).toBe(0);
  });

  test("a long poll waits for the next update; an empty one ends at its timeout", async () => {
    fake = startFakeTelegram();
    const user = fake.control.createUser({ firstName: "Bob" });
    const started = Date.now();
    const pending = getUpdates({ timeout: 5 });
    await Bun.sleep(100);
    fake.control.start(user.id, "tok_123");
    const { body } = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.result![0]!.message).toMatchObject({
      text: "/start tok_123",
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
      chat: { type: "private" },
    });
    const empty = Date.now();
    expect((await getUpdates({ offset: body.result![0]!.update_id + 1, timeout: 1 })).body.result).toEqual([]);
    expect(Date.now() - empty).toBeGreaterThanOrEqual(900);
  });

  test("a second poller ends the first with 409 Conflict", async () => {
    fake = startFakeTelegram();
    const first = getUpdates({ timeout: 10 });
    await Bun.sleep(50);
    const controller = new AbortController();
    const second = getUpdates({ timeout: 10 }, controller.signal).catch(() => null);
    const { status, body } = await first;
    expect(status).toBe(409);
    expect(body.description).toStartWith("Conflict: terminated by other getUpdates request");
    controller.abort();
    await second;
  });

  test("grammY's bot.start receives my_chat_member, channel posts, replies in groups and discussion comments", async () => {
    fake = startFakeTelegram();
    const bob = fake.control.createUser({ firstName: "Bob" });
    const channel = fake.control.createChat({ type: "channel", title: "Feed" });
    const discussion = fake.control.createChat({ type: "supergroup", title: "Feed chat", linkedChatId: channel });
    fake.control.addMember(discussion, bob.id);
    const seen: Update[] = [];
    const bot = new Bot(fake.token, { client: { apiRoot: fake.url } });
    bot.use((ctx) => void seen.push(ctx.update));
    void bot.start({ allowed_updates: ["message", "channel_post", "my_chat_member"] });
    fake.control.addBot(channel);
    fake.control.addBot(discussion);
    const post = await bot.api.sendMessage(channel, "customer wrote");
    const copy = fake.control.discussionCopyOf(channel, post.message_id)!;
    fake.control.userMessage({
      chatId: discussion,
      userId: bob.id,
      text: "answer",
      replyTo: copy.message_id,
      threadId: copy.message_id,
    });
    try {
      await waitFor(() => seen.length >= 4, 3000);
    } finally {
      await bot.stop();
    }
    expect(seen.map((u) => Object.keys(u)[1])).toEqual(["my_chat_member", "my_chat_member", "message", "message"]);
    expect(seen[2]!.message).toMatchObject({
      is_automatic_forward: true,
      from: { id: 777000 },
      forward_origin: { type: "channel", message_id: post.message_id },
    });
    expect(seen[3]!.message).toMatchObject({
      text: "answer",
      reply_to_message: { message_id: copy.message_id },
      from: { id: bob.id },
    });
    expect(fake.control.pendingUpdates()).toBe(0);
  });
});

describe("flood control", () => {
  test("more than 20 messages a minute into one group: 429 with retry_after, counted as violations", async () => {
    fake = startFakeTelegram({ limits: { chatCount: 100 } });
    const api = new Api(fake.token, { apiRoot: fake.url });
    const group = fake.control.createChat({ type: "group", title: "G" });
    fake.control.addBot(group, { status: "member" });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api.sendMessage(group, `m${i}`).then(
          () => 200,
          (e: GrammyError) => e,
        ),
      ),
    );
    const refused = results.filter((r): r is GrammyError => r instanceof GrammyError);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.error_code).toBe(429);
    expect(refused[0]!.parameters.retry_after).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.description).toMatch(/^Too Many Requests: retry after \d+$/);
    expect(fake.control.violations()).toBe(5);
  });

  test("one message a second per chat and 30 a second overall; timeScale shortens the windows", async () => {
    fake = startFakeTelegram({ timeScale: 0.5, limits: { jitterMs: 0 } });
    const api = new Api(fake.token, { apiRoot: fake.url });
    const users = Array.from({ length: 35 }, (_, i) => fake.control.createUser({ firstName: `U${i}` }).id);
    for (const u of users) fake.control.start(u);
    const burst = await Promise.all(
      users.map((u) =>
        api.sendMessage(u, "hi").then(
          () => true,
          () => false,
        ),
      ),
    );
    expect(burst.filter((ok) => !ok)).toHaveLength(5);
    await Bun.sleep(500);
    expect(await api.sendMessage(users[0]!, "later").then(() => true)).toBe(true);
    await expect(api.sendMessage(users[0]!, "too soon")).rejects.toThrow("Too Many Requests");
  });
});
