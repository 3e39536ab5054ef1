// Fake HTTP surface: CORS, headers, routing rules, and the /__control HTTP mirror used by separately started demos.
import { afterAll, describe, expect, test } from "bun:test";
import { newInstance, startFastFake, token } from "./testkit.ts";

const fake = startFastFake({ rateLimits: false });
afterAll(() => fake.stop());

async function control(
  name: string,
  args: unknown[],
): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  const res = await fetch(`${fake.url}/__control/${name}`, { method: "POST", body: JSON.stringify(args) });
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } };
}

describe("HTTP details", () => {
  test("CORS preflight, CORS and rate-limit headers, case-insensitive method names, 404 for wrong verb", async () => {
    const { idInstance, apiTokenInstance } = newInstance(fake);
    const pre = await fetch(`${fake.url}/waInstance${idInstance}/sendMessage/${apiTokenInstance}`, {
      method: "OPTIONS",
    });
    expect(pre.status).toBe(200);
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS, DELETE, HEAD");
    const res = await fetch(`${fake.url}/waInstance${idInstance}/GetStateInstance/${apiTokenInstance}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const wrongVerb = await fetch(`${fake.url}/waInstance${idInstance}/getStateInstance/${apiTokenInstance}`, {
      method: "POST",
    });
    expect(wrongVerb.status).toBe(404);
    expect((await fetch(`${fake.url}/waInstance${idInstance}/noSuchMethod/${apiTokenInstance}`)).status).toBe(404);
  });

  test("unknown instance ids get nginx's 403 HTML without CORS", async () => {
    const res = await fetch(`${fake.url}/waInstance4242/getStateInstance/${token()}`);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("/__control over HTTP", () => {
  test("create, link, inject and inspect an instance, then drive it with a client", async () => {
    const apiTokenInstance = token();
    expect(await control("createInstance", [{ idInstance: 1101009001, apiTokenInstance }])).toEqual({
      status: 200,
      body: { result: { idInstance: 1101009001, state: "notAuthorized" } },
    });
    expect((await control("scanQr", [1101009001])).status).toBe(200);
    expect((await control("setSettings", [1101009001, { incomingWebhook: "yes" }])).status).toBe(200);
    const injected = await control("injectIncoming", [
      1101009001,
      { type: "locationMessage", chatId: "79001234567@c.us", latitude: 1, longitude: 2 },
    ]);
    expect((injected.body.result as { body: { typeWebhook: string } }).body.typeWebhook).toBe(
      "incomingMessageReceived",
    );
    expect((await control("inspect", [1101009001])).body.result).toMatchObject({
      state: "authorized",
      pendingNotifications: 1,
      journalSize: 1,
    });
    expect((await control("violations", [])).body.result).toBe(0);
  });

  test("bad arguments are a 400 with the reason; unknown controls a 404", async () => {
    const bad = await control("injectIncoming", [1101009001, { type: "nonsense", chatId: "79001234567@c.us" }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("type");
    expect((await control("scanQr", [424242])).body.error).toBe("no fake instance 424242");
    expect((await control("constructor", [])).status).toBe(404);
    expect((await fetch(`${fake.url}/__control/violations`, { method: "POST", body: "{}" })).status).toBe(400);
  });
});
