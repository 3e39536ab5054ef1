// HTTP mirror of the fake's control API, like the Green-API fake's.
import type { FakeTelegramControl } from "./control.ts";

/** HTTP mirror: POST /__control/<name>, body = JSON array of arguments → `{result}` or 400 `{error}`. */
export function createControlRoute(control: FakeTelegramControl) {
  return async (req: Request, url: URL): Promise<Response> => {
    const name = url.pathname.slice("/__control/".length);
    const fn = Object.hasOwn(control, name) ? (control as Record<string, unknown>)[name] : undefined;
    if (req.method !== "POST" || typeof fn !== "function")
      return Response.json({ error: `unknown control ${name}` }, { status: 404 });
    try {
      const text = await req.text();
      const args: unknown = text ? JSON.parse(text) : [];
      if (!Array.isArray(args)) throw new Error("body must be a JSON array of arguments");
      const result = await (fn as (...a: unknown[]) => unknown)(...args);
      return Response.json({ result: result ?? null });
    } catch (e) {
      return Response.json({ error: (e as Error).message }, { status: 400 });
    }
  };
}
