// The chat named by `:chatId`, validated and loaded once per request for every route of a sub-app under a chat's URL.
import type { Context, MiddlewareHandler } from "hono";
import { zValidator } from "@hono/zod-validator";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { failWith, ID_MAX } from "./validate.ts";

/** A Hono env whose requests carry the chat of the URL (and the instance the gate let through). */
export interface WithChat<Chat> {
  Variables: { chat: Chat; instanceId: number };
}

/** `:chatId` (an id beyond any row is no chat: 404). */
const chatParam = z.object({ chatId: z.coerce.number().int().positive().max(ID_MAX) });

/**
 * The middleware for a sub-app mounted at `…/chats/:chatId`: validates the id and sets `chat` to what `load` finds
 * (404 when nothing). Sub-apps mounted at one prefix share the work: Hono runs each one's middleware for its siblings'
 * routes too, so a chat loaded already for this request is kept.
 */
export function routeChat<E extends WithChat<{ id: number }>>(
  load: (c: Context<E>, chatId: number) => Promise<E["Variables"]["chat"] | null | undefined>,
): MiddlewareHandler<E>[] {
  return [
    zValidator("param", chatParam, failWith(404, "no such chat")) as unknown as MiddlewareHandler<E>,
    async (c, next) => {
      const chatId = Number(c.req.param("chatId"));
      const vars = c as unknown as Context<WithChat<{ id: number }>>;
      if (vars.get("chat")?.id === chatId) return next();
      const chat = await load(c, chatId);
      if (!chat) throw new HTTPException(404, { message: "no such chat" });
      vars.set("chat", chat);
      return next();
    },
  ];
}
