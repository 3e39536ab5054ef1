// Response helpers of the fake: JSON answers, Green-API style 400 bodies (echoing the token) and body validation.
import { z } from "zod";
import { chatIdSchema } from "../../../src/greenapi/schemas.ts";
import type { FakeInstance, World } from "./world.ts";

export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "*",
};

/** What a method handler sees. `path` is the raw URL path, token included, as the real 400 bodies echo it. */
export interface Ctx {
  world: World;
  inst: FakeInstance;
  req: Request;
  url: URL;
  path: string;
  suffix: string | undefined;
}

export type Handler = (ctx: Ctx) => Response | Promise<Response>;

export interface MethodDef {
  verb: "GET" | "POST" | "DELETE";
  handler: Handler;
  /** Needs a linked, running phone (journals, contacts, files); 400 otherwise. */
  needsPhone?: boolean;
  /** Counted against the Developer-plan quota (466 when exhausted). */
  quota?: boolean;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });
}

/** Empty body typed as JSON, like the real 401 and 429. */
export function emptyJson(status: number): Response {
  return new Response(null, { status, headers: { "Content-Type": "application/json", "Content-Length": "0" } });
}

export function badRequest(ctx: Pick<Ctx, "path">, message: string): Response {
  return json({ statusCode: 400, timestamp: Date.now(), path: ctx.path, message }, 400);
}

/** Parses the JSON body or throws the 400 a malformed body gets. */
export async function readJson(ctx: Ctx): Promise<unknown> {
  const text = await ctx.req.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(ctx, (e as Error).message);
  }
}

/** Validates a request body, throwing `Validation failed. Details: …` like the real API. */
export function validate<S extends z.ZodType>(ctx: Ctx, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw badRequest(ctx, `Validation failed. Details: ${r.error.issues[0]?.message ?? "invalid body"}`);
}

/** zod error option giving Green-API's "'x' is required" for a missing field. */
export const field = (name: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `'${name}' is required` : `'${name}' has a wrong type`,
});

export const chatIdField = z.string(field("chatId")).refine((v) => chatIdSchema.safeParse(v).success, {
  message: "'chatId' must be one of the next formats: 'phone_number@c.us' or 'chat_id@lid'",
});
