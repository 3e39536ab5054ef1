// getUpdates of the fake: offsets confirm updates, allowed_updates filters them, long polls wait; a newer poll ends the older (409).
import { z } from "zod";
import type { Update } from "grammy/types";
import type { MethodDef } from "./methods-send.ts";
import { BotApiError, int, jsonish, parse } from "./params.ts";
import type { World } from "./world.ts";

const NOT_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const kindOf = (u: Update) => Object.keys(u).find((k) => k !== "update_id")!;

function allowed(world: World, u: Update): boolean {
  const kind = kindOf(u);
  return world.allowedUpdates.length ? world.allowedUpdates.includes(kind) : !NOT_BY_DEFAULT.has(kind);
}

/** offset > 0 drops every smaller update_id for good; offset -N keeps only the newest N. */
function confirm(world: World, offset: number | undefined): void {
  if (offset === undefined || offset === 0) return;
  if (offset < 0) world.updates.splice(0, Math.max(0, world.updates.length + offset));
  else while (world.updates.length && world.updates[0]!.update_id < offset) world.updates.shift();
}

/** Pending updates the bot asked for, oldest first; the rest are dropped as Telegram never stores them. */
function take(world: World, limit: number): Update[] {
  for (let i = world.updates.length - 1; i >= 0; i--)
    if (!allowed(world, world.updates[i]!)) world.updates.splice(i, 1);
  return world.updates.slice(0, limit);
}

export const getUpdates: MethodDef = {
  async handler(world, { values }, req) {
    const p = parse(
      z.object({
        offset: int.optional(),
        limit: int.pipe(z.number().min(1).max(100)).optional(),
        timeout: int.pipe(z.number().min(0)).optional(),
        allowed_updates: jsonish(z.array(z.string())).optional(),
      }),
      values,
    );
    if (p.allowed_updates) world.allowedUpdates = p.allowed_updates;
    confirm(world, p.offset);
    world.poll?.conflict();
    const limit = p.limit ?? 100;
    const ready = take(world, limit);
    const timeout = Math.min(p.timeout ?? 0, 50);
    if (ready.length || timeout === 0 || world.stopped) return ready;
    let conflicted = false;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        req.signal.removeEventListener("abort", done);
        if (world.poll === me) world.poll = null;
        resolve();
      };
      const me = {
        wake: done,
        conflict: () => {
          conflicted = true;
          done();
        },
      };
      const timer = setTimeout(done, timeout * 1000);
      req.signal.addEventListener("abort", done);
      world.poll = me;
    });
    if (conflicted)
      throw new BotApiError(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      );
    return take(world, limit);
  },
};
