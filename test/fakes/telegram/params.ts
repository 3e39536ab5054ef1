// Reads Bot API parameters from query, JSON, urlencoded or multipart bodies; zod helpers that accept both wire forms.
import { z } from "zod";

/** Refusal in the Bot API envelope; thrown by handlers, answered by the router. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new BotApiError(400, `Bad Request: ${what}`);

export interface Params {
  values: Record<string, unknown>;
  /** Uploaded parts by field name (grammY names them randomly and refers to them as `attach://<name>`). */
  files: Map<string, File>;
}

export async function readParams(req: Request, url: URL): Promise<Params> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, File>();
  if (req.method !== "POST") return { values, files };
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await req.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("JSON object expected");
    Object.assign(values, body);
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const form = await req.formData().catch(() => {
      throw badRequest("can't parse request body");
    });
    for (const [key, value] of form.entries() as Iterable<[string, string | File]>) {
      if (typeof value === "string") values[key] = value;
      else files.set(key, value);
    }
  }
  return { values, files };
}

/** An integer sent as a number or as digits. */
export const int = z.preprocess((v) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v), z.number().int());
/** A boolean sent as true/false or as text. */
export const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
/** An object or array sent as itself (JSON body) or as JSON text (query, form, multipart). */
export const jsonish = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }, schema);
/** `chat_id`: a number or "@username". */
export const chatIdParam = z.union([int, z.string().regex(/^@\w{4,}$/)]);

/** Parses a method's parameters; the first problem becomes a 400 like Telegram's "Bad Request: <field> ...". */
export function parse<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? "parameters");
  throw badRequest(
    issue.code === "invalid_type" && issue.input === undefined ? `${field} is empty` : `invalid ${field}`,
  );
}
