import { describe, expect, test } from "bun:test";
import type { Db } from "../db/client.ts";
import { createConversationHooks, directContext } from "./events.ts";

describe("conversation hooks", () => {
  test("within-transaction handlers run during publish, in registration order; after-commit ones on ctx.defer", async () => {
    const hooks = createConversationHooks();
    const seen: string[] = [];
    hooks.withinTransaction("namelessGroups", async (_ctx, e) => void seen.push(`team ${e.chatIds}`));
    hooks.withinTransaction("namelessGroups", async (_ctx, e) => void seen.push(`telegram ${e.chatIds}`));
    hooks.afterCommit("namelessGroups", (e) => seen.push(`after ${e.chatIds}`));
    const deferred: Array<() => unknown> = [];
    const ctx = { db: {} as Db, inTransaction: true, defer: (effect: () => unknown) => void deferred.push(effect) };
    await hooks.publish(ctx, "namelessGroups", { chatIds: [7] });
    expect(seen).toEqual(["team 7", "telegram 7"]);
    for (const effect of deferred) effect();
    expect(seen).toEqual(["team 7", "telegram 7", "after 7"]);
  });

  test("outside a transaction the after-commit listeners run at once", async () => {
    const hooks = createConversationHooks();
    const seen: number[] = [];
    hooks.afterCommit("mediaPending", (e) => seen.push(...e.messageIds));
    await hooks.publish(directContext({} as Db), "mediaPending", { messageIds: [1, 2] });
    expect(seen).toEqual([1, 2]);
  });

  test("a failing within-transaction handler fails the publish (and so rolls the transaction back)", async () => {
    const hooks = createConversationHooks();
    let after = false;
    hooks.withinTransaction("mediaPending", async () => {
      throw new Error("boom");
    });
    hooks.afterCommit("mediaPending", () => (after = true));
    await expect(hooks.publish(directContext({} as Db), "mediaPending", { messageIds: [1] })).rejects.toThrow("boom");
    expect(after).toBe(false);
  });
});
