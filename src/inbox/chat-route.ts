// The env and middleware of the inbox's routes under `/instances/:instanceId/chats/:chatId` (team, below inbox, declares
// the same for its chat actions with lib's routeChat).
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { routeChat, type WithChat } from "../lib/route-chat.ts";

export type RouteChat = NonNullable<Awaited<ReturnType<AppEnv["Variables"]["deps"]["inbox"]["getChat"]>>>;
export type ChatEnv = AppEnv & WithChat<RouteChat>;

/** Loads the chat of the URL inside the gated instance (another instance's chat is no chat: 404). */
export const chatOfUrl = () => routeChat<ChatEnv>((c, chatId) => c.var.deps.inbox.getChat(c.var.instanceId, chatId));

/**
 * The same context as the app's (helpers written for AppEnv take it): Hono's Context is invariant in its env, and the chat
 * routes' env only adds `chat`. Also types a zValidator hook's context, which Hono leaves untyped.
 */
// biome-ignore lint/suspicious/noExplicitAny: any path and input of the same request
export const appContext = (c: Context<any, any, any>) => c as Context<AppEnv>;
